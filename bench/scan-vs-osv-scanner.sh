#!/usr/bin/env bash
# Side by side: medvigil scan vs osv-scanner 2.6.0 on the 66 shared SBOMs that
# osv-scanner reads, each tool in one process, against the same OSV records
# (../shared/data/osv). Prints the median wall time and median peak memory
# (max RSS) of RUNS runs (default 5), their ranges, the median CPU time
# (user + system) and the ratios. MEDVIGIL_BIN=path measures that medvigil
# binary instead of one built from this tree.
#
# osv-scanner's offline database is built as ../shared/oracle/README.md says:
# one flat all.zip per ecosystem folder under DB/osv-scalibr/<Ecosystem>/, and
# empty zips for the other ecosystems it asks for.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
shared=../shared
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
command -v zip >/dev/null || apt-get install -y -q zip >/dev/null

osvscanner=$(command -v osv-scanner || echo "$HOME/go/bin/osv-scanner")
if [ ! -x "$osvscanner" ]; then
  echo "installing osv-scanner 2.6.0 (needs Go 1.27 from the module proxy; a few minutes)" >&2
  GOTOOLCHAIN=go1.27.3 go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.6.0
  osvscanner="$(go env GOPATH)/bin/osv-scanner"
fi
if [ -n "${MEDVIGIL_BIN:-}" ]; then
  cp "$MEDVIGIL_BIN" "$work/medvigil"
else
  CGO_ENABLED=0 go build -o "$work/medvigil" ./cmd/medvigil
fi

# osv-scanner's offline DB.
db="$work/db/osv-scalibr"
for dir in "$shared"/data/osv/*/; do
  eco=$(basename "$dir")
  mkdir -p "$db/$eco"
  (cd "$dir" && zip -q -j "$db/$eco/all.zip" ./*.json)
done
for eco in Debian Alpine Ubuntu "GitHub Actions" "Red Hat" "Rocky Linux" AlmaLinux SUSE openSUSE Wolfi Chainguard \
  RubyGems Hex Pub CRAN Hackage GIT Linux Android Bitnami SwiftURL ConanCenter Mageia openEuler "Photon OS" MinimOS Julia; do
  [ -e "$db/$eco/all.zip" ] && continue
  mkdir -p "$db/$eco"
  python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1],"w").close()' "$db/$eco/all.zip"
done
export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$work/db"
# medvigil's counterpart of that prebuilt DB: a knowledge-base snapshot of the same records
# (format version 2, indexed by package: a scan decodes only what its SBOMs can match).
"$work/medvigil" kb build --kb "$shared/data/osv" -o "$work/kb.mvkb" 2>/dev/null

# The 66 SBOMs osv-scanner reads, each alone in a folder under a name it recognizes.
osv_args=() mv_args=()
n=0
while IFS=$'\t' read -r rel kind code _; do
  [ "$rel" = sbom ] && continue
  [ "$code" = 127 ] && continue
  n=$((n + 1))
  mkdir -p "$work/sboms/$n"
  cp "$shared/data/sboms/$rel" "$work/sboms/$n/sbom.$kind"
  osv_args+=(-L "$work/sboms/$n/sbom.$kind")
  mv_args+=("$shared/data/sboms/$rel")
done <"$shared/oracle/osv-scanner/SUMMARY.tsv"
echo "SBOMs: $n; OSV records: $(find "$shared/data/osv" -name '*.json' | wc -l); runs: $RUNS" >&2

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # name, command...
  local name=$1; shift
  : >"$work/t.$name"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -a -o "$work/t.$name" "$@" >/dev/null 2>"$work/err.$name" || true
  done
}
# /usr/bin/time adds a "Command exited with non-zero status" line when a tool
# exits non-zero (both do when they find vulnerabilities): keep the numbers.
measure osv-scanner "$osvscanner" scan source --offline --format json "${osv_args[@]}"
measure medvigil "$work/medvigil" scan --kb "$work/kb.mvkb" --no-cpe-candidates --output json "${mv_args[@]}"
measure medvigil-json "$work/medvigil" scan --kb "$shared/data/osv" --no-cpe-candidates --output json "${mv_args[@]}"

for t in osv-scanner medvigil medvigil-json; do grep -E '^[0-9]' "$work/t.$t" >"$work/n.$t"; done
stats() { # file: median wall, median RSS MB, wall range, RSS range, median CPU
  local f=$1
  printf '%s %s %s-%s %s-%s %s' \
    "$(awk '{print $1}' "$f" | median)" "$(awk '{printf "%.0f\n", $2/1024}' "$f" | median)" \
    "$(awk '{print $1}' "$f" | sort -n | head -1)" "$(awk '{print $1}' "$f" | sort -n | tail -1)" \
    "$(awk '{printf "%.0f\n", $2/1024}' "$f" | sort -n | head -1)" "$(awk '{printf "%.0f\n", $2/1024}' "$f" | sort -n | tail -1)" \
    "$(awk '{print $3 + $4}' "$f" | median)"
}
printf '%-14s %9s %14s %12s %12s %10s\n' tool median_s median_RSS_MB wall_range RSS_range_MB median_cpu_s
for t in osv-scanner medvigil medvigil-json; do
  read -r mt mm wr mr mc <<<"$(stats "$work/n.$t")"
  printf '%-14s %9s %14s %12s %12s %10s' "$t" "$mt" "$mm" "$wr" "$mr" "$mc"
  [ "$t" = medvigil-json ] && printf '   (reading the OSV JSON tree instead of the snapshot)'
  echo
done
osv_t=$(awk '{print $1}' "$work/n.osv-scanner" | median); osv_m=$(awk '{print $2/1024}' "$work/n.osv-scanner" | median)
mv_t=$(awk '{print $1}' "$work/n.medvigil" | median); mv_m=$(awk '{print $2/1024}' "$work/n.medvigil" | median)
awk -v a="$osv_t" -v b="$mv_t" -v c="$osv_m" -v d="$mv_m" 'BEGIN { printf "speed-up %.1fx, memory ratio %.2f (medvigil/osv-scanner)\n", a/b, d/c }'
