#!/usr/bin/env bash
# Where the etl's own CPU goes, in the code users run: one `etl run` of a PhoenixSim day under `perf record`,
# each sample named by method. The published image is ReadyToRun, which perf cannot name by itself: this script
# publishes the same composite image as a plain folder with its symbol map (etl.r2r.ni.r2rmap, method RVAs) and
# resolves the samples against it; JIT-compiled code and runtime stubs come from the runtime's perf map
# (DOTNET_PerfMapEnabled=1; W^X off, so JIT code is not behind a memfd double mapping), the kernel's from perf. Prints the top methods by share of the etl's samples.
# Usage: bench/profile.sh [ROWS] [TOP]   (default 1000000 rows, top 30; needs perf and the local servers)
# Sampling shares are steadier than wall or CPU time on a shared machine: compare the sample count and shares of two builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows=${1:-1000000} top=${2:-30}
command -v perf >/dev/null || { echo "profile: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init "bench_profile_$$"

echo "profile: publishing the composite image with its symbol map (a few minutes)" >&2
dotnet publish src/CodesHistoryEtl -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true \
  -p:PublishReadyToRunComposite=true -p:PublishReadyToRunEmitSymbols=true -o "$work/publish" -v q -nologo >/dev/null
start_sim "$rows"
db="${tag}_p"
databases+=("$db")
mkdir -p "$work/export"
(cd "$work" && env -i PATH="$PATH" HOME="$HOME" ${DOTNET_ROOT:+DOTNET_ROOT="$DOTNET_ROOT"} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
  PQS_URL="$sim_url" PG_DSN="$PG_DSN" JOURNAL_TABLE="$tag.inc_processing" PROCESS_NAME="$db" CH_URL="$CH_URL" \
  CH_USER="$CH_USER" CH_PASSWORD="$CH_PASSWORD" CH_DATABASE="$db" EXPORT_DIR="$work/export" \
  perf record -F 999 -o "$work/perf.data" "$work/publish/etl" run --since 2025-08-01T00:00:00Z --until 2025-08-02T00:00:00Z) \
  >"$work/etl.log" 2>&1 || { tail -20 "$work/etl.log" >&2; exit 1; }
pid=$(perf script -i "$work/perf.data" -F pid 2>/dev/null | head -1 | tr -d ' ' || true) # head ends perf early

# hex("7f2d58c6") -> number (the awk here may be mawk, which has no strtonum)
hex='function hex(s,   i, v) { s = tolower(s); sub(/^0x/, "", s); v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }'

# one line per sample, "ip dso" (callers not recorded), plus the image's mapping address
perf script -i "$work/perf.data" --show-mmap-events -F ip,dso 2>/dev/null >"$work/samples.txt"
# the methods of both maps as "kind start end name", sorted by start (r2r: RVAs; jit: addresses)
{
  grep -v '^FFFFFF' "$work/publish/etl.r2r.ni.r2rmap" | awk "$hex"'{ name = $0; sub(/^[^ ]+ [^ ]+ /, "", name); sub(/\(.*/, "", name)
    n = split(name, part, " "); printf "r2r %.0f %.0f %s\n", hex($1), hex($1) + hex($2), part[n] }'
  awk "$hex"'{ name = $0; sub(/^[^ ]+ [^ ]+ /, "", name); printf "jit %.0f %.0f %s\n", hex($1), hex($1) + hex($2), substr(name, 1, 100) }' \
    "/tmp/perf-$pid.map"
} | sort -k2,2n >"$work/symbols.txt"
# an address in the image's mapping -> file offset -> RVA: .text's RVA minus its file offset
rva_delta=$(objdump -p -h "$work/publish/etl.r2r.dll" | awk "$hex"'$1 == "ImageBase" { base = hex($2) }
  $2 == ".text" { print hex($4) - base - hex($6) }')

awk -v top="$top" -v rows="$rows" -v delta="$rva_delta" "$hex"'
  FNR == NR { kind[NR] = $1; lo[NR] = $2; hi[NR] = $3; name[NR] = $4; for (i = 5; i <= NF; i++) name[NR] = name[NR] " " $i; n = NR; next }
  /PERF_RECORD_MMAP/ && /etl\.r2r\.dll/ {
    match($0, /\[0x[0-9a-f]+\(/); start = hex(substr($0, RSTART + 1, RLENGTH - 2))
    match($0, /@ 0x[0-9a-f]+ |@ [0-9]+ /); pgoff = hex(substr($0, RSTART + 2, RLENGTH - 3)); next
  }
  /PERF_RECORD/ { next }
  NF >= 2 {
    ip = hex($1); dso = $2; total++
    if (dso ~ /etl\.r2r\.dll/) { key = lookup("r2r", ip - start + pgoff + delta) }
    else if (dso ~ /perf-[0-9]+\.map/) { key = lookup("jit", ip) }
    else if (dso ~ /kernel/) { key = "[kernel]" }
    else { gsub(/[()]/, "", dso); sub(/.*\//, "", dso); key = dso }
    count[key]++
  }
  function lookup(k, a,   l, h, m) {
    l = 1; h = n
    while (l < h) { m = int((l + h + 1) / 2); if (lo[m] <= a) l = m; else h = m - 1 }
    for (; l >= 1 && l > 0; l--) { if (kind[l] == k && lo[l] <= a) return a < hi[l] ? name[l] : "(" k ", unnamed)"; if (lo[l] < a - 1048576) break }
    return "(" k ", unnamed)"
  }
  END {
    printf "%d samples at 999 Hz (%.2f CPU-us a row)\n", total, total * 1e6 / 999 / rows
    for (k in count) printf "%6.2f%%  %s\n", 100 * count[k] / total, k | "sort -rn | head -" top
  }' "$work/symbols.txt" "$work/samples.txt"
