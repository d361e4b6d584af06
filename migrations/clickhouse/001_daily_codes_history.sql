-- The staging table of the export (seed: stg.daily_codes_history). Forward-only: never edit once released.
-- Placeholders are filled by the migrator (README "ClickHouse schema"): {database}, {table}, {on_cluster},
-- {business_tz}; {merge_tree} is MergeTree on one node, ReplicatedMergeTree on a cluster; {modern: ...}
-- is kept on ClickHouse >= 20.1 and skipped with a warning on older servers.
--
-- ts is the window's upper bound. The business denormalisations are taken from ts - 1 so that a window
-- ending at business midnight ([23:00, 24:00) Almaty, ts = 00:00 next day) belongs to the day it covers.
-- The explicit-zone forms toDate(x, tz) / toHour(x, tz) give the business date and hour on every version
-- (toDate(toTimeZone(x, tz)) gives the UTC date on modern servers).
CREATE DATABASE IF NOT EXISTS {database}{on_cluster};

CREATE TABLE IF NOT EXISTS {database}.{table}{on_cluster}
(
    c    String,
    t    UInt8,
    opd  DateTime,
    id   Nullable(String),
    did  Nullable(String),
    rid  Nullable(String),
    rinn Nullable(String),
    rn   Nullable(String),
    sid  Nullable(String),
    sinn Nullable(String),
    sn   Nullable(String),
    gt   Nullable(String),
    prid Nullable(String),
    st   Nullable(UInt8),
    ste  Nullable(UInt8),
    elr  Nullable(UInt8),
    emd  Nullable(DateTime),
    apd  Nullable(DateTime),
    exd  Nullable(DateTime),
    p    Nullable(String),
    pt   Nullable(UInt8),
    o    Nullable(String),
    pn   Nullable(String),
    b    Nullable(String),
    tt   Nullable(Int64),
    tm   Nullable(DateTime),
    ch   Array(String) DEFAULT [] {modern: CODEC(ZSTD(6))},
    j    Nullable(String),
    pg   Nullable(UInt16),
    et   Nullable(UInt8),
    pvad Nullable(String),
    ag   Nullable(String),
    ts   DateTime,
    q    UInt8 DEFAULT 0,
    ts_biz DateTime MATERIALIZED toTimeZone(ts - 1, '{business_tz}'),
    d_biz  Date     MATERIALIZED toDate(ts - 1, '{business_tz}'),
    h_biz  UInt8    MATERIALIZED toHour(ts - 1, '{business_tz}'),
    ts_ingested DateTime DEFAULT now(),
    etl_job LowCardinality(String) DEFAULT 'codes_history_etl',
    load_id UUID DEFAULT generateUUIDv4()
)
ENGINE = {merge_tree}
PARTITION BY toYYYYMMDD(d_biz)
ORDER BY (c, opd, ifNull(et, toUInt8(0)), ifNull(st, toUInt8(0)), ifNull(ste, toUInt8(0)))
{modern: TTL d_biz + INTERVAL 365 DAY}
SETTINGS index_granularity = 8192;
