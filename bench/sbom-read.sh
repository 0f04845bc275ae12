#!/usr/bin/env bash
# Wall time and peak memory (max RSS) of `medvigil sbom check` on synthetic
# SBOMs of 50,000 and 300,000 components, in CycloneDX JSON/XML and SPDX JSON.
# Runs each case RUNS times (default 5) and prints the median wall time and the
# median peak RSS. Needs GNU time (/usr/bin/time; Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
CGO_ENABLED=0 go build -o "$work/medvigil" ./cmd/medvigil

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-8s %-15s %10s %12s %12s\n' components format size_MB median_s median_RSS_MB
for n in 50000 300000; do
  for to in cyclonedx-json cyclonedx-xml spdx-json; do
    f="$work/synth-$n.$to"
    "$work/medvigil" sbom generate --components "$n" --to "$to" -o "$f"
    : >"$work/times"
    for _ in $(seq "$RUNS"); do
      /usr/bin/time -f '%e %M' -a -o "$work/times" "$work/medvigil" sbom check --format json "$f" >/dev/null
    done
    wall=$(awk '{print $1}' "$work/times" | median)
    rss=$(awk '{print $2/1024}' "$work/times" | median)
    size=$(awk -v b="$(stat -c %s "$f")" 'BEGIN{printf "%.1f", b/1048576}')
    printf '%-8s %-15s %10s %12s %12.0f\n' "$n" "$to" "$size" "$wall" "$rss"
  done
done
