#!/usr/bin/env bash
# Compares etl builds fairly on a noisy machine: one PhoenixSim day, then `etl run` of that day by each build in
# turn, N rounds, so each pair runs back to back. Prints per run the etl's CPU per row (user, sys), wall time and
# peak RSS (/usr/bin/time). No reference leg: for the issue's table use bench/pipeline.sh.
# Usage: bench/etl-pairs.sh ROWS ROUNDS ETL_EXE [ETL_EXE ...]   (needs the local servers: ops/services.sh start)
# Example: ops/publish.sh /tmp/new && bench/etl-pairs.sh 1000000 4 /tmp/old/etl /tmp/new/etl
# Everything it creates (ClickHouse databases and their migration records, a PostgreSQL schema, export files,
# the simulator) is removed on exit, also on failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
(($# >= 3)) || { sed -n '2,8p' "$0" >&2; exit 64; }
rows=$1 rounds=$2
shift 2
set -a
# shellcheck disable=SC1090
source "${ETL_SERVICES_ENV:-$PWD/.services/services.env}"
set +a
dotnet build tools/PhoenixSim -c Release -warnaserror -v q -nologo >/dev/null
tag="bench_pairs_$$"
work=$(mktemp -d "/tmp/$tag.XXXX")
sim_pid=""
databases=()
ch() { clickhouse-client --host 127.0.0.1 --port "$CH_TCP_PORT" --user "$CH_USER" --password "$CH_PASSWORD" "$@"; }
cleanup() {
  [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  for db in "${databases[@]}"; do
    ch --query "DROP DATABASE IF EXISTS $db" || true
    ch --query "ALTER TABLE meta.clickhouse_migrations DELETE WHERE startsWith(name, '$db.')" 2>/dev/null || true
    ch --query "ALTER TABLE meta.etl_runs DELETE WHERE job = '$db'" 2>/dev/null || true
  done
  psql "$PG_DSN" -q -c "DROP SCHEMA IF EXISTS $tag CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

tools/PhoenixSim/bin/Release/net10.0/PhoenixSim --port 0 --seed 1 --from 2025-08-01 --days 1 --rows-per-day "$rows" >"$work/sim.out" 2>&1 &
sim_pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/.* at \(http:[^ ]*\)$/\1/p' "$work/sim.out")
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] || { cat "$work/sim.out" >&2; exit 1; }

echo "etl-pairs $(date -u +%Y-%m-%dT%H:%MZ): $rows rows, $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  for index in $(seq 1 $#); do
    etl=${!index}
    db="${tag}_${round}_$index"
    databases+=("$db")
    rm -rf "$work/export" && mkdir -p "$work/export"
    (cd "$work" && env -i PATH="$PATH" HOME="$HOME" PQS_URL="$url" PG_DSN="$PG_DSN" JOURNAL_TABLE="$tag.inc_processing" PROCESS_NAME="$db" \
      CH_URL="$CH_URL" CH_USER="$CH_USER" CH_PASSWORD="$CH_PASSWORD" CH_DATABASE="$db" EXPORT_DIR="$work/export" \
      /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$etl" run --since 2025-08-01T00:00:00Z --until 2025-08-02T00:00:00Z) \
      >"$work/etl.log" 2>&1 || { tail -20 "$work/etl.log" >&2; exit 1; }
    read -r user sys wall rss <"$work/time"
    awk -v e="$etl" -v r="$round" -v u="$user" -v s="$sys" -v w="$wall" -v m="$rss" -v n="$rows" 'BEGIN {
      printf "round %d  %-40s cpu %5.2f us/row (user %.2f, sys %.2f)  wall %5.1f s  RSS %4d MB\n", r, e, (u + s) * 1e6 / n, u * 1e6 / n, s * 1e6 / n, w, m / 1024 }'
    ch --query "DROP DATABASE $db"
  done
done
