-- The run registry: one row per run of the ETL, written at its end (success or failure), and the alerts
-- the ops side raises. In the {meta} database; Replicated on a cluster so every node answers the same.
CREATE TABLE IF NOT EXISTS {meta}.etl_runs{on_cluster}
(
    job          LowCardinality(String),
    run_id       UUID,
    started_at   DateTime,
    finished_at  DateTime,
    status       LowCardinality(String),
    rows_read    Int64,
    rows_written Int64,
    err_msg      String,
    from_ts      Nullable(DateTime),
    to_ts        Nullable(DateTime),
    host         String,
    version_tag  String
)
ENGINE = {merge_tree}
PARTITION BY toYYYYMM(started_at)
ORDER BY (job, started_at, run_id);

CREATE TABLE IF NOT EXISTS {meta}.etl_alerts{on_cluster}
(
    ts           DateTime,
    severity     LowCardinality(String),
    job          LowCardinality(String),
    code         String,
    message      String,
    context_json String
)
ENGINE = {merge_tree}
PARTITION BY toYYYYMM(ts)
ORDER BY (job, ts);
