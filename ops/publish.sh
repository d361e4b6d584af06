#!/usr/bin/env bash
# Publishes `etl` into DIR as install.sh installs it (and bench/pipeline.sh measures it): one native executable,
# compiled ahead of time (native AOT): no .NET runtime to install, no JIT at start (measured against the ReadyToRun
# single file it replaced: 13-15% less CPU a row, 40% less memory, 10 ms start-up; see the csproj).
# Needs a C toolchain for the final link (gcc or clang, with binutils); the compiler itself comes from NuGet.
# PUBLISH_SYMBOLS=1 keeps the symbols in the executable (bench/profile.sh names samples with them).
# Usage: ops/publish.sh DIR
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:?usage: ops/publish.sh DIR}
if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
  echo "publish: native AOT links with clang or gcc, and neither is on PATH: apt-get install gcc (or clang)" >&2
  exit 1
fi
strip=true
[[ -n ${PUBLISH_SYMBOLS:-} ]] && strip=false
dotnet publish "$ROOT/src/CodesHistoryEtl" -c Release -r linux-x64 -p:StripSymbols="$strip" -p:DebugType=none \
  -o "$OUT" -v q -nologo
rm -f "$OUT/etl.dbg"
