#!/usr/bin/env bash
# The one-command demo (the README's first command). On a fresh machine it installs and starts the local
# servers, builds the project, serves two business days of synthetic data from the Phoenix simulator,
# exports one business day with `etl run` into CSV files and ClickHouse (journaled in PostgreSQL), shows
# what landed, then runs the same day again to show that nothing is duplicated.
#
#   bash ops/demo.sh [BUSINESS_DATE]      default 2025-08-01 (Asia/Almaty)
#
# Everything it writes is its own: .demo/ (env file, CSV export, logs), the ClickHouse database
# `etl_demo`, the PostgreSQL schema `etl_demo` and PROCESS_NAME `codes_history_demo`. It never reads or
# touches ./.env. Safe to run again, and with the servers already running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

DAY=${1:-2025-08-01}
NEXT=$(date -u -d "$DAY + 1 day" +%F) || { echo "demo: '$DAY' is not a date (use YYYY-MM-DD)" >&2; exit 64; }
DEMO=$ROOT/.demo
ENV_FILE=$DEMO/demo.env
CH_DB=etl_demo
ROWS_PER_DAY=${DEMO_ROWS_PER_DAY:-20000}
ETL=(dotnet "$ROOT/src/CodesHistoryEtl/bin/Release/net10.0/etl.dll" --env "$ENV_FILE")

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

step "Local servers (PostgreSQL, ZooKeeper, ClickHouse)"
bash ops/services.sh start
# shellcheck disable=SC1090
source <(bash ops/services.sh env) # PG_DSN, CH_URL, CH_USER, CH_PASSWORD, CH_TCP_PORT

mkdir -p "$DEMO/export"
step "Build (Release)"
dotnet build CodesHistoryEtl.sln -c Release -warnaserror -v q -nologo >"$DEMO/build.log" 2>&1 ||
  { tail -30 "$DEMO/build.log" >&2; echo "demo: the build failed (see $DEMO/build.log)" >&2; exit 1; }
grep -E "Warn|Elapsed" "$DEMO/build.log" || true
sim_log=$DEMO/phoenix-sim.log
sim_pid=
stop_sim() { [[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; true; }
trap stop_sim EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Phoenix simulator: 2 business days of synthetic data, $ROWS_PER_DAY rows per day"
: >"$sim_log" # emptied here, not by the child's redirect: the wait below must not see an earlier run's URL
# UTC days from the day before: they cover the business day $DAY (UTC+5) and the evening before it
dotnet tools/PhoenixSim/bin/Release/net10.0/PhoenixSim.dll --port 0 --seed 1 --from "$(date -u -d "$DAY - 1 day" +%F)" \
  --days 2 --rows-per-day "$ROWS_PER_DAY" --ts-units timestamp >"$sim_log" 2>&1 &
sim_pid=$!
for _ in $(seq 600); do
  grep -q "serving" "$sim_log" && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$sim_log" >&2; echo "demo: the simulator did not start" >&2; exit 1; }
  sleep 0.1
done
PQS_URL=$(grep -o 'http://[0-9.:]*/' "$sim_log" | head -1)
[[ -n $PQS_URL ]] || { cat "$sim_log" >&2; echo "demo: the simulator did not start in 60 s" >&2; exit 1; }
cat "$sim_log"

cat >"$ENV_FILE" <<EOF
# Written by ops/demo.sh on every run; the demo's own settings (never ./.env).
PG_DSN=$PG_DSN
JOURNAL_TABLE=$CH_DB.inc_processing
PROCESS_NAME=codes_history_demo
PQS_URL=$PQS_URL
CH_URL=$CH_URL
CH_USER=$CH_USER
CH_PASSWORD=$CH_PASSWORD
CH_DATABASE=$CH_DB
EXPORT_DIR=$DEMO/export
EXPORT_PREFIX=codes_history_
PROGRESS_SEC=5
EOF
echo "demo settings: $ENV_FILE"

ch() { clickhouse-client --host 127.0.0.1 --port "$CH_TCP_PORT" --user "$CH_USER" --password "$CH_PASSWORD" "$@"; }

# CSV records, not lines: a quoted value may hold newlines, and quotes inside are doubled, so a record
# ends at a newline after an even number of quotes.
csv_rows() { awk '{ q += gsub(/"/, "\"") } q % 2 == 0 { n++ } END { print n - 1 }' "$1"; }

show_landed() {
  local total=0 rows file
  echo "CSV files in $DEMO/export (rows without the header):"
  for file in "$DEMO"/export/codes_history_"${DAY//-/}"_*.csv; do
    rows=$(csv_rows "$file")
    total=$((total + rows))
    printf '  %-44s %8d\n' "$(basename "$file")" "$rows"
  done
  printf '  %-44s %8d\n' "total" "$total"
  echo
  echo "ClickHouse $CH_DB.daily_codes_history, business day $DAY, rows per business hour:"
  ch --format PrettyCompactNoEscapes --query "SELECT h_biz AS hour, count() AS rows, uniqExact(c) AS codes, sum(q) AS repeats
      FROM $CH_DB.daily_codes_history WHERE d_biz = toDate('$DAY') GROUP BY h_biz ORDER BY h_biz"
  ch --query "SELECT concat('  total ', toString(count()), ' rows') FROM $CH_DB.daily_codes_history WHERE d_biz = toDate('$DAY')"
  echo
  echo "Journal and watermark (etl status):"
  "${ETL[@]}" status --runs 3
  echo "CSV rows $total, ClickHouse rows $(ch --query "SELECT count() FROM $CH_DB.daily_codes_history WHERE d_biz = toDate('$DAY')")" >"$DEMO/counts.$1"
}

run_day() { # log file
  local code=0
  "${ETL[@]}" run --since "$DAY" --until "$NEXT" >"$1" 2>&1 || code=$?
  grep -E "Run of|Summary" "$1" | sed 's/^[0-9-]* [0-9:.]* [+0-9:]* /  /' || true
  if ((code != 0)); then
    tail -20 "$1" >&2
    echo "demo: etl run exited $code (see $1)" >&2
    exit 1
  fi
}

step "Migrations: etl --migrate-only"
"${ETL[@]}" --migrate-only

step "Export business day $DAY: etl run --since $DAY --until $NEXT"
run_day "$DEMO/run1.log"

step "What landed"
show_landed first

step "The same day again: each window is replaced exactly once, so nothing changes"
run_day "$DEMO/run2.log"
show_landed second

step "Counts: first run vs second run"
echo "  first:  $(cat "$DEMO/counts.first")"
echo "  second: $(cat "$DEMO/counts.second")"
if cmp -s "$DEMO/counts.first" "$DEMO/counts.second"; then
  echo "  unchanged: the re-run replaced every window instead of adding to it"
else
  echo "demo: the counts changed between the runs" >&2
  exit 1
fi
echo
echo "Logs: $DEMO/run1.log, $DEMO/run2.log. Next: bash ops/test.sh"
