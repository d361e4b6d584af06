#!/usr/bin/env bash
# Instructions per row, counted, not timed: one `etl run` of a PhoenixSim day under valgrind's callgrind for each
# given build, against one simulator. The count does not move with the machine's load (wall and CPU time here
# drift 30-40%), so it shows small changes to the row path that timing cannot: compare two builds' Ir/row and
# their top functions. User-space instructions only (the kernel's work is not counted; bench/profile.sh shows it).
# Builds published with symbols (PUBLISH_SYMBOLS=1 ops/publish.sh DIR) are named by method.
# Usage: bench/instructions.sh ROWS [TOP] ETL_EXE [ETL_EXE ...]   (needs valgrind and the local servers; ~30x slower
# than a plain run: 100000 rows take about half a minute a build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
(($# >= 2)) || { sed -n '2,8p' "$0" >&2; exit 64; }
rows=$1 top=20
shift
[[ $1 =~ ^[0-9]+$ ]] && { top=$1; shift; }
command -v valgrind >/dev/null || { echo "instructions: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init "bench_instr_$$"
start_sim "$rows"

index=0
for etl in "$@"; do
  index=$((index + 1))
  run_etl "$etl" "${tag}_$index" valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$index"
  callgrind_annotate "$work/callgrind.$index" 2>/dev/null | awk -v etl="$etl" -v rows="$rows" -v top="$top" '
    function count(s) { gsub(",", "", s); return s + 0 }
    /PROGRAM TOTALS/ { total = count($1); printf "%s: %.0f instructions a row (%d rows, start-up included)\n", etl, total / rows, rows; next }
    /file:function/ { listing = 1; next }
    listing && NF >= 3 && shown < top {
      name = $0; sub(/^[^)]*\)[ \t]*/, "", name); sub(/ \[.*$/, "", name); sub(/^[^:]*:/, "", name)
      printf "  %7.0f  %5.2f%%  %s\n", count($1) / rows, 100 * count($1) / total, name; shown++
    }'
done
