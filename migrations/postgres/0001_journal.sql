-- Run journal and watermark. Forward-only: never edit once released, add a new file instead.
-- Placeholders ({{...}}) are replaced by quoted identifiers derived from JOURNAL_TABLE.

CREATE SCHEMA IF NOT EXISTS {{schema}};

-- One row per run.
CREATE TABLE IF NOT EXISTS {{journal}} (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    process_name  text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('planned', 'running', 'ok', 'error', 'skipped')),
    ts_start      timestamptz NOT NULL DEFAULT now(),
    ts_end        timestamptz,
    window_since  timestamptz,
    window_until  timestamptz,
    windows_done  integer     NOT NULL DEFAULT 0,
    rows_read     bigint      NOT NULL DEFAULT 0,
    rows_written  bigint      NOT NULL DEFAULT 0,
    rows_rejected bigint      NOT NULL DEFAULT 0,
    -- heartbeat_ts, progress, host, pid, version, arguments, last_window, error_kind, error_message
    details       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    CHECK (ts_end IS NULL OR status NOT IN ('planned', 'running'))
);

-- At most one active run per process name, enforced by the database itself.
CREATE UNIQUE INDEX IF NOT EXISTS {{journal_active_index}}
    ON {{journal}} (process_name)
    WHERE status IN ('planned', 'running') AND ts_end IS NULL;

-- Where the next run starts; only ever moves forward (GREATEST on upsert).
CREATE TABLE IF NOT EXISTS {{watermark}} (
    process_name text        PRIMARY KEY,
    watermark    timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
