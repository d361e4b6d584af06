#!/usr/bin/env bash
# Local servers for tests and the demo: PostgreSQL 15, ZooKeeper 3.8 and ClickHouse 18.16 (cluster
# `shardless`), from Debian packages, as plain processes on 127.0.0.1 and non-default ports.
#
#   ops/services.sh start    install what is missing, start what is not running, wait until ready
#   ops/services.sh stop     stop each server by the PID recorded at start
#   ops/services.sh status   one line per server
#   ops/services.sh env      KEY=value connection settings (for tests or a .env)
#
# All state lives under $ETL_SERVICES_DIR (default: <repo>/.services). Safe to run twice.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${ETL_SERVICES_DIR:-$ROOT/.services}
PG_PORT=${ETL_PG_PORT:-15432}
ZK_PORT=${ETL_ZK_PORT:-12181}
CH_HTTP_PORT=${ETL_CH_HTTP_PORT:-18123}
CH_TCP_PORT=${ETL_CH_TCP_PORT:-19000}
CH_INTER_PORT=${ETL_CH_INTER_PORT:-19009}
PG_USER=etl
PG_PASSWORD=etl_pg_secret
PG_DB=etl
CH_USER=etl
CH_PASSWORD=etl_ch_secret
PG_BIN=/usr/lib/postgresql/15/bin

log() { echo "services: $*" >&2; }
die() { echo "services: error: $*" >&2; exit 1; }

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

port_free() {
  # true when nothing listens on 127.0.0.1:$1
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

need_port() { # name, port, the variable that sets it
  port_free "$2" || die "port $2 for $1 is already taken by another process; stop it or set $3"
  local low high
  read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || return 0
  if (($2 >= low && $2 <= high)); then
    # a connection's local end may hold it at any time (seen: a TIME_WAIT socket kept PostgreSQL from binding)
    echo "services: warning: port $2 for $1 is inside the ephemeral range $low-$high; prefer $3 below $low" >&2
  fi
}

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  for ((i = 0; i < secs * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    alive "$name" || die "$name exited during start; see $DIR/$name.log"
    sleep 0.1
  done
  die "$name not ready after ${secs}s; see $DIR/$name.log"
}

install_missing() {
  local pkgs=()
  [[ -x $PG_BIN/postgres ]] || pkgs+=(postgresql-15)
  command -v clickhouse-server >/dev/null || pkgs+=(clickhouse-server)
  command -v clickhouse-client >/dev/null || pkgs+=(clickhouse-client)
  [[ -f /usr/share/java/zookeeper.jar ]] || pkgs+=(libzookeeper-java)
  command -v java >/dev/null || pkgs+=(default-jre-headless)
  ((${#pkgs[@]} == 0)) && return 0
  log "installing ${pkgs[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >"$DIR/apt.log" 2>&1 ||
    die "apt-get install ${pkgs[*]} failed; see $DIR/apt.log"
}

start_pg() {
  alive pg && return 0
  need_port pg "$PG_PORT" ETL_PG_PORT
  local data=$DIR/pg/data
  if [[ ! -f $data/PG_VERSION ]]; then
    mkdir -p "$DIR/pg"
    chown -R postgres:postgres "$DIR/pg"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$DIR/pg-init.log" 2>&1 ||
      die "initdb failed; see $DIR/pg-init.log"
    # password auth over TCP so the tests see a real secret in the DSN; the socket stays trust for setup
    cat >"$data/pg_hba.conf" <<HBA
local all all trust
host  all postgres 127.0.0.1/32 trust
host  all all 127.0.0.1/32 scram-sha-256
HBA
  fi
  touch "$DIR/pg.log" && chown postgres "$DIR/pg.log"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$DIR/pg.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $DIR/pg -c max_connections=300 -c fsync=off" start >/dev/null ||
    die "PostgreSQL did not start; see $DIR/pg.log"
  head -1 "$data/postmaster.pid" >"$DIR/pg.pid"
  local psql=(runuser -u postgres -- psql -h "$DIR/pg" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [[ $("${psql[@]}" -c "select 1 from pg_roles where rolname='$PG_USER'") != 1 ]]; then
    "${psql[@]}" -c "create role $PG_USER login createdb password '$PG_PASSWORD'" >/dev/null
    "${psql[@]}" -c "create database $PG_DB owner $PG_USER" >/dev/null
  fi
}

start_zk() {
  alive zk && return 0
  need_port zk "$ZK_PORT" ETL_ZK_PORT
  mkdir -p "$DIR/zk/data"
  cat >"$DIR/zk/zoo.cfg" <<CFG
tickTime=2000
dataDir=$DIR/zk/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
  local cp=/usr/share/java
  nohup java -Xmx256m -Dzookeeper.log.dir="$DIR/zk" \
    -cp "$cp/zookeeper.jar:$cp/zookeeper-jute.jar:$cp/log4j-1.2.jar:$cp/slf4j-api.jar:$cp/slf4j-log4j12.jar" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$DIR/zk/zoo.cfg" >"$DIR/zk.log" 2>&1 &
  echo $! >"$DIR/zk.pid"
  wait_for zk 30 zk_ruok
}

# bounded: a ZooKeeper that is still starting can accept the connection and never answer (seen: cat waited 11 min)
zk_ruok() { [[ $(timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && echo ruok >&3 && cat <&3' _ "$ZK_PORT") == imok ]]; }

write_ch_config() {
  local d=$DIR/ch
  mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas"
  cat >"$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/server.log</log><errorlog>$d/error.log</errorlog><size>50M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CH_HTTP_PORT</http_port>
  <tcp_port>$CH_TCP_PORT</tcp_port>
  <interserver_http_port>$CH_INTER_PORT</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>512</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers>
    <shardless>
      <shard><replica><host>127.0.0.1</host><port>$CH_TCP_PORT</port><user>$CH_USER</user><password>$CH_PASSWORD</password></replica></shard>
    </shardless>
  </remote_servers>
  <zookeeper><node><host>127.0.0.1</host><port>$ZK_PORT</port></node></zookeeper>
  <macros><shardless_repl>replica1</shardless_repl></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
XML
  cat >"$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
    </default>
  </profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <$CH_USER><password>$CH_PASSWORD</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></$CH_USER>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

start_ch() {
  alive ch && return 0
  need_port ch "$CH_HTTP_PORT" ETL_CH_HTTP_PORT
  need_port ch "$CH_TCP_PORT" ETL_CH_TCP_PORT
  write_ch_config
  clickhouse-server --config-file="$DIR/ch/config.xml" >"$DIR/ch.log" 2>&1 &
  echo $! >"$DIR/ch.pid"
  wait_for ch 60 ch_ping
}

ch_ping() { [[ $(curl -fsS "http://127.0.0.1:$CH_HTTP_PORT/ping") == Ok. ]]; }

stop_one() {
  local name=$1
  if alive "$name"; then
    local pid
    pid=$(cat "$DIR/$name.pid")
    if [[ $name == pg ]]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null 2>&1 || kill "$pid"
    else
      kill "$pid"
    fi
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "stopped $name (pid $pid)"
  fi
  rm -f "$DIR/$name.pid"
}

print_env() {
  cat <<ENV
PG_DSN=postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB
CH_URL=http://127.0.0.1:$CH_HTTP_PORT
CH_USER=$CH_USER
CH_PASSWORD=$CH_PASSWORD
CH_CLUSTER_NAME=shardless
CH_TCP_PORT=$CH_TCP_PORT
ZK_PORT=$ZK_PORT
ENV
}

case ${1:-} in
  start)
    mkdir -p "$DIR"
    command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
    install_missing
    start_pg
    start_zk # before ClickHouse: it refuses to start with replicated tables and no ZooKeeper
    start_ch
    print_env >"$DIR/services.env"
    log "ready: postgres :$PG_PORT, zookeeper :$ZK_PORT, clickhouse http :$CH_HTTP_PORT tcp :$CH_TCP_PORT"
    ;;
  stop)
    for s in ch zk pg; do stop_one "$s"; done
    ;;
  status)
    for s in pg zk ch; do
      if alive "$s"; then echo "$s running (pid $(cat "$DIR/$s.pid"))"; else echo "$s stopped"; fi
    done
    ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 64 ;;
esac
