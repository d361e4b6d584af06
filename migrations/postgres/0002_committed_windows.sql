-- Committed windows: one row per window a run committed (CSV + ClickHouse), written in the same statement
-- that counts the window in the run's journal row. `etl backfill` skips a window covered by these ranges.
-- Forward-only: never edit once released, add a new file instead.

CREATE TABLE IF NOT EXISTS {{committed}} (
    process_name text        NOT NULL,
    window_since timestamptz NOT NULL,
    window_until timestamptz NOT NULL,
    run_id       bigint      NOT NULL,
    rows_written bigint      NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (process_name, window_since, window_until),
    CHECK (window_until > window_since)
);

-- Runs that finished 'ok' before this table existed committed their whole requested range.
INSERT INTO {{committed}} (process_name, window_since, window_until, run_id, rows_written, committed_at)
SELECT process_name, window_since, window_until, id, rows_written, ts_end
FROM {{journal}}
WHERE status = 'ok' AND window_since IS NOT NULL AND window_until > window_since AND ts_end IS NOT NULL
ON CONFLICT DO NOTHING;
