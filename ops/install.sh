#!/usr/bin/env bash
# Installs codes-history-etl on this machine (run as root; safe to run again):
#   - publishes `etl`, one native executable (ops/publish.sh; needs gcc or clang), into /opt/codes-history-etl
#   - creates the system user `etl`, /var/lib/codes-history-etl (export dir), /var/log/codes-history-etl
#   - installs /etc/codes-history-etl/etl.env from .env.example once (never overwrites your settings)
#   - installs the systemd units and enables the run and health timers (unless --no-enable)
# Options: --prefix DIR (default /opt/codes-history-etl), --no-enable, --no-systemd
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=/opt/codes-history-etl
ENABLE=1
SYSTEMD=1
while (($#)); do
  case $1 in
    --prefix) PREFIX=$2; shift 2 ;;
    --no-enable) ENABLE=0; shift ;;
    --no-systemd) SYSTEMD=0; shift ;;
    *) echo "install: unknown option $1" >&2; exit 64 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "install: run as root" >&2; exit 1; }

echo "install: publishing etl to $PREFIX"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
bash "$ROOT/ops/publish.sh" "$build"
# install(1) replaces the file (new inode): safe while a scheduled run is executing the old one
install -d -m 0755 "$PREFIX"
install -m 0755 "$build/etl" "$PREFIX/etl"
mkdir -p "$PREFIX/docs" && cp "$ROOT/docs/RUNBOOK.md" "$ROOT/README.md" "$PREFIX/docs/" 2>/dev/null || true

id etl >/dev/null 2>&1 || useradd --system --user-group --home-dir /var/lib/codes-history-etl --shell /usr/sbin/nologin etl
install -d -o etl -g etl -m 0750 /var/lib/codes-history-etl /var/log/codes-history-etl
install -d -m 0755 /etc/codes-history-etl
if [[ ! -f /etc/codes-history-etl/etl.env ]]; then
  sed -e 's#^EXPORT_DIR=.*#EXPORT_DIR=/var/lib/codes-history-etl/export#' \
      -e 's#^LOG_FILE=.*#LOG_FILE=/var/log/codes-history-etl/etl.log#' \
      "$ROOT/.env.example" >/etc/codes-history-etl/etl.env
  chown root:etl /etc/codes-history-etl/etl.env && chmod 0640 /etc/codes-history-etl/etl.env
  echo "install: wrote /etc/codes-history-etl/etl.env: fill in PG_DSN, PQS_URL, CH_* before the first run"
else
  echo "install: kept the existing /etc/codes-history-etl/etl.env"
fi

if ((SYSTEMD)); then
  for unit in "$ROOT"/ops/systemd/*.service "$ROOT"/ops/systemd/*.timer; do
    sed "s#/opt/codes-history-etl#$PREFIX#g" "$unit" >"/etc/systemd/system/$(basename "$unit")"
  done
  if [[ -d /run/systemd/system ]]; then
    systemctl daemon-reload
    if ((ENABLE)); then systemctl enable --now codes-history-etl.timer codes-history-etl-health.timer; fi
  else
    echo "install: systemd is not running here: units copied, not enabled"
  fi
fi
"$PREFIX/etl" --version
echo "install: done. Next: edit /etc/codes-history-etl/etl.env, then: sudo -u etl $PREFIX/etl --env /etc/codes-history-etl/etl.env --migrate-only"
