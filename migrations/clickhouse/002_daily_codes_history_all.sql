-- cluster-only
-- The Distributed table the ETL inserts into and readers query in cluster mode, sharded by cityHash64(c).
-- Its columns are declared explicitly: created AS the local table it would inherit the MATERIALIZED
-- columns and every insert would fail. The business denormalisations are ALIAS columns here (computed
-- on read, never sent on insert), with the same ts - 1 rule as the local table.
CREATE TABLE IF NOT EXISTS {database}.{insert_table}{on_cluster}
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
    ch   Array(String) DEFAULT [],
    j    Nullable(String),
    pg   Nullable(UInt16),
    et   Nullable(UInt8),
    pvad Nullable(String),
    ag   Nullable(String),
    ts   DateTime,
    q    UInt8 DEFAULT 0,
    ts_biz DateTime ALIAS toTimeZone(ts - 1, '{business_tz}'),
    d_biz  Date     ALIAS toDate(ts - 1, '{business_tz}'),
    h_biz  UInt8    ALIAS toHour(ts - 1, '{business_tz}'),
    ts_ingested DateTime DEFAULT now(),
    etl_job LowCardinality(String) DEFAULT 'codes_history_etl',
    load_id UUID DEFAULT generateUUIDv4()
)
ENGINE = Distributed('{cluster}', '{database}', '{table}', cityHash64(c));
