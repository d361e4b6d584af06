#!/usr/bin/env bash
# systemd-analyze verify on ops/systemd/*, with the installed exe path pointed at a stand-in so the
# check runs on a machine where the ETL is not installed (CI). Exits non-zero on any finding.
# Usage: ops/verify-units.sh [DIR]   (default: ops/systemd)
set -euo pipefail
src=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/systemd}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$tmp/etl" && chmod +x "$tmp/etl"
for unit in "$src"/*.service "$src"/*.timer; do
  sed "s#/opt/codes-history-etl/etl#$tmp/etl#g" "$unit" >"$tmp/$(basename "$unit")"
done
out=$(cd "$tmp" && systemd-analyze verify ./*.service ./*.timer 2>&1) || { echo "$out" >&2; exit 1; }
if [[ -n $out ]]; then echo "$out" >&2; exit 1; fi
echo "systemd units verified: $(cd "$src" && echo *.service *.timer)"
