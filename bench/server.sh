#!/usr/bin/env bash
# Server benchmark (issue 4, "Scale"), on SQLite and PostgreSQL:
#   1. load 1,000 synthetic SBOMs of 500 components through monitor.ImportSBOM
#      (total time, per-SBOM median and p99), then import a 1,000-component SBOM
#      10 times (median);
#   2. drive the API with GETs at 200 requests/s for 10 s, open loop (p50/p99/max,
#      per route): findings (three filters), products, components, vulnerabilities/{id};
#   3. change 1,000 advisories, of which 100 move their ranges (the others change
#      only their modified time), and time the re-evaluation, median of 3 rounds;
#   then, on the same database (-reuse):
#   4. GET /vulnerabilities/{id} alone at 20 requests/s (see docs/performance.md);
#   5. 1,000 changed advisories all moving their ranges (the worst case: every
#      version changes), median of 3 rounds.
#
# Usage: bash bench/server.sh [serverbench flags...]   (e.g. -sboms 200 for a quick run)
# BACKENDS="sqlite postgres" (default both); PostgreSQL databases are created from
# MEDVIGIL_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres) and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
backends=${BACKENDS:-"sqlite postgres"}
admin=${MEDVIGIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
tmp=$(mktemp -d)
dropdb=""
cleanup() {
  if [ -n "$dropdb" ]; then psql "$admin" -qc "DROP DATABASE IF EXISTS $dropdb WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/serverbench" ./internal/tests/serverbench

for backend in $backends; do
  echo "== $backend"
  case $backend in
  sqlite)
    dsn="$tmp/bench.db"
    ;;
  postgres)
    dropdb="medvigil_bench_$$"
    psql "$admin" -qc "CREATE DATABASE $dropdb" >/dev/null
    base=${admin%%\?*}
    query=${admin#"$base"}
    dsn="${base%/*}/$dropdb$query"
    ;;
  *)
    echo "unknown backend $backend (want sqlite or postgres)" >&2
    exit 2
    ;;
  esac
  "$tmp/serverbench" -db "$dsn" -moved 100 -routes findings,findings-filter,findings-version,products,components,vulnerability \
    -json "$tmp/$backend-1.json" "$@"
  echo "-- $backend, same database: GET /vulnerabilities/{id} at 20/s; 1,000 changed advisories, all moving"
  "$tmp/serverbench" -db "$dsn" -reuse -imports 0 -routes vulnerability -rate 20 \
    -json "$tmp/$backend-2.json" "$@"
  if [ "$backend" = postgres ]; then
    psql "$admin" -qc "DROP DATABASE IF EXISTS $dropdb WITH (FORCE)" >/dev/null
    dropdb=""
  fi
done
