#!/usr/bin/env bash
# Compares etl builds fairly on a noisy machine: one PhoenixSim day, then `etl run` of that day by each build in
# turn, N rounds, so each pair runs back to back. Prints per run the etl's CPU per row (user, sys), wall time,
# peak RSS (/usr/bin/time -v) and the ClickHouse server's CPU seconds during the run. No reference leg: for the issue's table use bench/pipeline.sh.
# Usage: [STEP_MIN=N] bench/etl-pairs.sh ROWS ROUNDS ETL_EXE [ETL_EXE ...]   (starts the local servers if they are not up;
# STEP_MIN=1440 makes the day one window, to measure the memory a large window needs)
# Example: ops/publish.sh /tmp/new && bench/etl-pairs.sh 1000000 4 /tmp/old/etl /tmp/new/etl
# Everything it creates is removed on exit, also on failure (bench/lib.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
(($# >= 3)) || { sed -n '2,8p' "$0" >&2; exit 64; }
rows=$1 rounds=$2
shift 2

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init "bench_pairs_$$"
start_sim "$rows"
ch_pid=$(ch_server_pid)

echo "etl-pairs $(date -u +%Y-%m-%dT%H:%MZ): $rows rows, $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  for index in $(seq 1 $#); do
    etl=${!index}
    db="${tag}_${round}_$index"
    ch_before=$(proc_cpu "$ch_pid")
    run_etl "$etl" "$db"
    ch_used=$(cpu_since "$ch_pid" "$ch_before")
    awk -v h="$ch_used" -v e="$etl" -v r="$round" -v n="$rows" -v u="$(field 'User time (seconds)' "$work/etl.time")" \
      -v s="$(field 'System time (seconds)' "$work/etl.time")" -v w="$(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/etl.time")")" \
      -v m="$(field 'Maximum resident set size (kbytes)' "$work/etl.time")" 'BEGIN {
      printf "round %d  %-40s cpu %5.2f us/row (user %.2f, sys %.2f)  wall %5.1f s  RSS %4d MB  CH %5.1f s\n", r, e, (u + s) * 1e6 / n, u * 1e6 / n, s * 1e6 / n, w, m / 1024, h }'
    ch --query "DROP DATABASE $db"
  done
done
