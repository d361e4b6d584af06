# What bench/pipeline.sh and bench/etl-pairs.sh share; sourced from the repository root, not run.
# bench_init TAG starts the local servers, builds PhoenixSim and sets up $work; everything a benchmark creates
# (ClickHouse databases listed in $databases and their records, the PostgreSQL schema $tag, export files, the
# simulator) is removed on exit, also on failure (BENCH_KEEP=1 keeps $work).

bench_init() { # tag
  bash ops/services.sh start >/dev/null
  set -a
  # shellcheck disable=SC1090
  source "${ETL_SERVICES_ENV:-$PWD/.services/services.env}"
  set +a
  dotnet build tools/PhoenixSim -c Release -warnaserror -v q -nologo >/dev/null
  sim="$PWD/tools/PhoenixSim/bin/Release/net10.0/PhoenixSim"
  tag=$1
  work=$(mktemp -d "/tmp/$tag.XXXX")
  sim_pid=""
  databases=()
  trap bench_cleanup EXIT
  trap "exit 130" INT TERM
}

# CPU seconds (user + system) a process has used so far
proc_cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }

# CPU seconds process $1 has used since proc_cpu gave $2
cpu_since() { awk -v a="$(proc_cpu "$1")" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

# the local ClickHouse server's pid (ops/services.sh records it), to measure its CPU during a leg
ch_server_pid() { cat "${ETL_SERVICES_DIR:-$PWD/.services}/ch.pid"; }

ch() { clickhouse-client --host 127.0.0.1 --port "$CH_TCP_PORT" --user "$CH_USER" --password "$CH_PASSWORD" "$@"; }

bench_cleanup() {
  stop_sim
  for db in "${databases[@]}"; do
    ch --query "DROP DATABASE IF EXISTS $db" || true
    ch --query "ALTER TABLE meta.clickhouse_migrations DELETE WHERE startsWith(name, '$db.')" 2>/dev/null || true
    ch --query "ALTER TABLE meta.etl_runs DELETE WHERE job = '$db'" 2>/dev/null || true
  done
  psql "$PG_DSN" -q -c "DROP SCHEMA IF EXISTS $tag CASCADE" >/dev/null 2>&1 || true
  [[ -n ${BENCH_KEEP:-} ]] || rm -rf "$work"
}

start_sim() { # rows -> sets sim_pid, sim_url: one day, 2025-08-01 UTC
  "$sim" --port 0 --seed 1 --from 2025-08-01 --days 1 --rows-per-day "$1" >"$work/sim.out" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 300); do
    sim_url=$(sed -n 's/.* at \(http:[^ ]*\)$/\1/p' "$work/sim.out")
    [[ -n $sim_url ]] && return
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.out" >&2; exit 1; }
    sleep 0.1
  done
  echo "bench: PhoenixSim did not start" >&2
  exit 1
}

stop_sim() {
  if [[ -n $sim_pid ]]; then
    kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true
    sim_pid=""
  fi
}

run_etl() { # etl db [command ...] -> `etl run` of the simulated day into ClickHouse database db, under the given
  # command (default: /usr/bin/time -v into $work/etl.time; perf or valgrind for the profiles); its log in $work/etl_$db.log.
  # STEP_MIN from the caller's environment (default hourly windows) comes with BUSINESS_TZ=UTC, so the grid fits the UTC day
  local etl=$1 db=$2
  shift 2
  (($#)) || set -- /usr/bin/time -v -o "$work/etl.time"
  databases+=("$db")
  rm -rf "$work/export" && mkdir -p "$work/export"
  # The sim's day is 2025-08-01 UTC: 24 hourly windows (Asia/Almaty hours are whole UTC hours).
  (cd "$work" && env -i PATH="$PATH" HOME="$HOME" ${DOTNET_ROOT:+DOTNET_ROOT="$DOTNET_ROOT"} \
    PQS_URL="$sim_url" PG_DSN="$PG_DSN" JOURNAL_TABLE="$tag.inc_processing" PROCESS_NAME="$db" \
    CH_URL="$CH_URL" CH_USER="$CH_USER" CH_PASSWORD="$CH_PASSWORD" CH_DATABASE="$db" EXPORT_DIR="$work/export" \
    ${STEP_MIN:+STEP_MIN="$STEP_MIN" BUSINESS_TZ=UTC} "$@" "$etl" run --since 2025-08-01T00:00:00Z --until 2025-08-02T00:00:00Z) \
    >"$work/etl_$db.log" 2>&1 || { tail -20 "$work/etl_$db.log" >&2; exit 1; }
}

# "Maximum resident set size (kbytes): 123" -> 123
field() { sed -n "s/^\s*$1: //p" "$2"; }

# user + system CPU seconds from a /usr/bin/time -v file
time_cpu() { awk -v u="$(field 'User time (seconds)' "$1")" -v s="$(field 'System time (seconds)' "$1")" 'BEGIN { print u + s }'; }

seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$1"; }
