#!/usr/bin/env bash
# The whole test suite, as the README and CI run it: starts the local servers (idempotent), builds with
# warnings as errors, publishes the native `etl` as users install it (ops/publish.sh; the tests that run the exe
# run that binary, through ETL_EXE), runs every test, and ends with one line "N passed, N failed, N skipped" read
# from the TRX results. Exits non-zero when a test failed or when no test ran.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ops/services.sh start || { echo "test: the local servers did not start" >&2; exit 1; }

results=artifacts/test-results
rm -rf "$results"
dotnet build CodesHistoryEtl.sln -c Release -warnaserror -v q -nologo || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
bash ops/publish.sh artifacts/publish || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
ETL_EXE=$PWD/artifacts/publish/etl dotnet test CodesHistoryEtl.sln -c Release --no-build --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  num() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(num passed)))
  failed=$((failed + $(num failed) + $(num error) + $(num timeout) + $(num aborted)))
  skipped=$((skipped + $(num notExecuted)))
done

echo "$passed passed, $failed failed, $skipped skipped"
if ((failed > 0 || status != 0)); then exit 1; fi
if ((passed == 0)); then echo "test: no test ran" >&2; exit 1; fi
