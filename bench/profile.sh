#!/usr/bin/env bash
# Where the etl's own CPU goes, in the code users run: one `etl run` of a PhoenixSim day under `perf record`,
# each sample named by method. The published binary is native code; this script publishes the same build with its
# symbols kept (PUBLISH_SYMBOLS=1 ops/publish.sh), so perf names managed methods (as Namespace_Type__Method) like C
# functions. Prints the sample count and the top methods by share of the etl's samples, the kernel as one line.
# Usage: bench/profile.sh [ROWS] [TOP]   (default 1000000 rows, top 30; needs perf and the local servers)
# Sampling shares are steadier than wall or CPU time on a shared machine: compare the sample count and shares of two builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows=${1:-1000000} top=${2:-30}
command -v perf >/dev/null || { echo "profile: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init "bench_profile_$$"

echo "profile: publishing etl with its symbols (about a minute)" >&2
PUBLISH_SYMBOLS=1 bash ops/publish.sh "$work/publish" >/dev/null
start_sim "$rows"
run_etl "$work/publish/etl" "${tag}_p" perf record -F 999 -o "$work/perf.data"

# one line per sample, "ip symbol (dso)"; the kernel's samples count as one line, other libraries' unnamed ones by library
perf script -i "$work/perf.data" -F ip,sym,dso 2>/dev/null | awk -v top="$top" -v rows="$rows" '
  NF < 2 { next }
  {
    total++
    if ($NF ~ /kernel/) { key = "[kernel]" }
    else {
      dso = $NF; gsub(/[()]/, "", dso); sub(/.*\//, "", dso)
      key = NF > 2 && $2 != "[unknown]" ? $2 : dso
    }
    count[key]++
  }
  END {
    printf "%d samples at 999 Hz (%.2f CPU-us a row)\n", total, total * 1e6 / 999 / rows
    for (k in count) printf "%6.2f%%  %s\n", 100 * count[k] / total, k | "sort -rn | head -" top
  }'
