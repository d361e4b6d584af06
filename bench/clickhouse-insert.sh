#!/usr/bin/env bash
# ClickHouse insert benchmark: the ETL's streaming RowBinary insert versus
# clickhouse-client "INSERT ... FORMAT CSVWithNames" of the etl's CSV of the same rows on the same server, in one run.
# Usage: bench/clickhouse-insert.sh [rows]   (default 1000000; needs the local servers: ops/services.sh start)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
services="${ETL_SERVICES_ENV:-$PWD/.services/services.env}"
dotnet build -c Release -warnaserror bench/ClickHouseInsertBench >/dev/null
dotnet bench/ClickHouseInsertBench/bin/Release/net10.0/ClickHouseInsertBench.dll "$services" "${1:-1000000}"
