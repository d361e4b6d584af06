#!/usr/bin/env bash
# Publishes `etl` into DIR as install.sh installs it (and bench/pipeline.sh measures it): one native executable,
# compiled ahead of time (native AOT): no .NET runtime to install, no JIT at start (measured against the ReadyToRun
# single file it replaced: 13-15% less CPU a row, 40% less memory, 10 ms start-up; see the csproj).
# Needs a C toolchain for the final link (gcc or clang, with binutils); the compiler itself comes from NuGet.
# PUBLISH_SYMBOLS=1 keeps the symbols in the executable (bench/profile.sh and bench/instructions.sh name methods
# with them); it links in its own folder, since the link is not redone when only the stripping changes.
# Usage: ops/publish.sh DIR
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:?usage: ops/publish.sh DIR}
if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
  echo "publish: native AOT links with clang or gcc, and neither is on PATH: apt-get install gcc (or clang)" >&2
  exit 1
fi
symbols=()
[[ -n ${PUBLISH_SYMBOLS:-} ]] && symbols=(-p:StripSymbols=false -p:NativeIntermediateOutputPath=obj/Release/net10.0/linux-x64/native-symbols/)
dotnet publish "$ROOT/src/CodesHistoryEtl" -c Release -r linux-x64 -p:DebugType=none "${symbols[@]}" -o "$OUT" -v q -nologo
rm -f "$OUT/etl.dbg"
