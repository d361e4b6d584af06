#!/usr/bin/env bash
# Pipeline benchmark (issue 6): the real `etl run` of one day from PhoenixSim into CSV files and ClickHouse,
# against the unavoidable leg on its own: clickhouse-client inserting the same rows (RowBinary) into an
# empty copy of the table. Per size: etl wall time, the reference's wall time, their ratio (target <= 1.25),
# the etl process's CPU per row (target <= 3 us) and its peak RSS (target < 300 MB), from /usr/bin/time -v; and the
# CPU seconds of the simulator and the ClickHouse server during each leg (the two cores are shared by all of them).
# Usage: bench/pipeline.sh [rows ...]   (default 1000000 5000000; needs the local servers: ops/services.sh start)
# It measures the binary ops/publish.sh builds (native AOT, as installed); ETL_EXE=path measures another one.
# Everything it creates (ClickHouse databases, a PostgreSQL schema, export files, the simulator) is removed
# on exit, also on failure (BENCH_KEEP=1 keeps the logs under /tmp). Timings on a shared machine are noisy: run it twice before trusting a change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if (($# > 0)); then sizes=("$@"); else sizes=(1000000 5000000); fi

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init "bench_pipeline_$$"

# The etl measured is the one install.sh installs (ETL_EXE=path measures another build instead).
etl=${ETL_EXE:-}
if [[ -z $etl ]]; then
  echo "pipeline: publishing etl as install.sh does (a few minutes)" >&2
  bash ops/publish.sh "$work/publish" >/dev/null
  etl="$work/publish/etl"
fi

ch_pid=$(ch_server_pid)

results=()
for rows in "${sizes[@]}"; do
  db="${tag}_$rows"
  start_sim "$rows"
  sim_before=$(proc_cpu "$sim_pid") ch_before=$(proc_cpu "$ch_pid")
  run_etl "$etl" "$db"
  sim_used=$(cpu_since "$sim_pid" "$sim_before")
  ch_etl=$(cpu_since "$ch_pid" "$ch_before")
  stop_sim

  loaded=$(ch --query "SELECT count() FROM $db.daily_codes_history")
  ((loaded == rows)) || { echo "pipeline: $loaded rows in ClickHouse, expected $rows" >&2; exit 1; }

  # The reference leg: the inserted columns (all but MATERIALIZED ones and ts_ingested, left to its DEFAULT),
  # exported untimed, then inserted by clickhouse-client into an empty copy of the table, in blocks of at most
  # 262144 rows (the etl's windows are one block each, ~210k rows at 5M a day; 1M-row blocks of this table
  # exceed the local server's 3.7 GiB per-query memory limit).
  columns=$(ch --query "SELECT arrayStringConcat(groupArray(name), ', ') FROM (SELECT name FROM system.columns
    WHERE database = '$db' AND table = 'daily_codes_history' AND default_kind != 'MATERIALIZED' AND name != 'ts_ingested')")
  ch --query "SELECT $columns FROM $db.daily_codes_history FORMAT RowBinary" >"$work/rows.bin"
  ch --query "CREATE TABLE $db.reference AS $db.daily_codes_history"
  ch_before=$(proc_cpu "$ch_pid")
  /usr/bin/time -v -o "$work/ref.time" clickhouse-client --host 127.0.0.1 --port "$CH_TCP_PORT" --user "$CH_USER" \
    --password "$CH_PASSWORD" --max_insert_block_size=262144 --min_insert_block_size_rows=262144 \
    --query "INSERT INTO $db.reference ($columns) FORMAT RowBinary" <"$work/rows.bin"
  ch_ref=$(cpu_since "$ch_pid" "$ch_before")
  referenced=$(ch --query "SELECT count() FROM $db.reference")
  ((referenced == rows)) || { echo "pipeline: reference inserted $referenced rows, expected $rows" >&2; exit 1; }
  bytes=$(stat -c %s "$work/rows.bin")
  rm -f "$work/rows.bin"
  ch --query "DROP DATABASE $db"

  etl_wall=$(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/etl.time")")
  etl_cpu=$(time_cpu "$work/etl.time")
  etl_rss=$(field 'Maximum resident set size (kbytes)' "$work/etl.time")
  ref_wall=$(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/ref.time")")
  ref_client=$(time_cpu "$work/ref.time")
  results+=("$(awk -v n="$rows" -v ew="$etl_wall" -v rw="$ref_wall" -v c="$etl_cpu" -v m="$etl_rss" -v s="$sim_used" -v b="$bytes" \
    -v he="$ch_etl" -v hr="$ch_ref" -v rc="$ref_client" 'BEGIN {
    printf "| %9d | %7.1f | %7.1f | %5.2f | %6.2f | %6.0f | %8.0f | %8.0f | %5.1f | %6.1f | %6.1f | %6.1f | %6.0f |",
      n, ew, rw, ew / rw, c * 1e6 / n, m / 1024, n / ew, n / rw, s, he, hr, rc, b / n }')")
done

echo
echo "Pipeline benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "targets: ratio <= 1.25, etl CPU <= 3 us/row, etl peak RSS < 300 MB"
echo "|      rows | etl s   | ref s   | ratio | us/row | RSS MB | etl r/s  | ref r/s  | sim s | CH etl | CH ref | ref cl | B/row  |"
echo "| --------- | ------- | ------- | ----- | ------ | ------ | -------- | -------- | ----- | ------ | ------ | ------ | ------ |"
printf '%s\n' "${results[@]}"
echo "(etl = etl run, wall; ref = clickhouse-client INSERT ... FORMAT RowBinary of the same rows into an empty copy;"
echo " us/row = etl user+sys CPU per row; sim s = PhoenixSim CPU seconds during the etl run; CH etl / CH ref = the"
echo " ClickHouse server's CPU seconds during the etl run / the reference; ref cl = clickhouse-client's CPU seconds;"
echo " B/row = RowBinary bytes per row)"
