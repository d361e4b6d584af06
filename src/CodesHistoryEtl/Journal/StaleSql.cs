namespace CodesHistoryEtl.Journal;

/// <summary>
/// The two sanitize_stale statements. Parameters: $1 process name, then the TTLs, and last the id of the
/// caller's own run (0 if none), which is never touched. Both return id, old status, new status, reason.
/// They run only while the caller holds the run lock, which is exclusive: so a 'running' row that records
/// the lock it ran under (details.lock_backend_pid, written by every run) has lost it (its process was
/// killed, crashed, or lost its PostgreSQL connection) and is closed at once, without waiting for
/// HEARTBEAT_TTL_MIN. Rows without that key (written by hand or by another tool) wait for the TTLs.
/// </summary>
internal static class StaleSql
{
    /// <summary>$2 = PLANNED_TTL_MIN, $3 = own run id.</summary>
    public static string Planned(string journal) => $"""
        UPDATE {journal}
        SET status = 'skipped', ts_end = now(),
            details = details || jsonb_build_object('sanitized_at', now(),
                'error_kind', 'stale', 'error_message', format('planned at %s, older than PLANNED_TTL_MIN=%s min', ts_start, $2::int))
        WHERE process_name = $1 AND status = 'planned' AND ts_end IS NULL AND id <> $3
          AND ts_start < now() - make_interval(mins => $2::int)
        RETURNING id, 'planned', status, details->>'error_message'
        """;

    /// <summary>$2 = HEARTBEAT_TTL_MIN, $3 = MAX_RUN_HOURS, $4 = own run id.</summary>
    public static string Running(string journal) => $"""
        WITH stale AS (
            SELECT id, CASE
                WHEN ts_start < now() - make_interval(hours => $3::int)
                    THEN format('started at %s, more than MAX_RUN_HOURS=%s h ago', ts_start, $3::int)
                WHEN details->>'lock_backend_pid' IS NOT NULL
                    THEN format('its run lock (PostgreSQL backend %s) is gone: the process was killed, crashed or lost its '
                        || 'PostgreSQL connection; last heartbeat at %s', details->>'lock_backend_pid', coalesce(details->>'heartbeat_ts', 'never'))
                ELSE format('last heartbeat at %s, older than HEARTBEAT_TTL_MIN=%s min',
                    coalesce(details->>'heartbeat_ts', 'never'), $2::int)
                END AS reason
            FROM {journal}
            WHERE process_name = $1 AND status = 'running' AND ts_end IS NULL AND id <> $4
              AND (ts_start < now() - make_interval(hours => $3::int)
                   OR details->>'lock_backend_pid' IS NOT NULL
                   OR coalesce((details->>'heartbeat_ts')::timestamptz, ts_start) < now() - make_interval(mins => $2::int))
            FOR UPDATE)
        UPDATE {journal} j
        SET status = 'error', ts_end = now(),
            details = j.details || jsonb_build_object('sanitized_at', now(), 'error_kind', 'stale', 'error_message', s.reason)
        FROM stale s
        WHERE j.id = s.id
        RETURNING j.id, 'running', j.status, s.reason
        """;
}
