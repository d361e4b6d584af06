namespace CodesHistoryEtl.Journal;

/// <summary>
/// The two sanitize_stale statements. Parameters: $1 process name, then the TTLs, and last the id of the
/// caller's own run (0 if none), which is never touched. Both return id, old status, new status, reason.
/// </summary>
internal static class StaleSql
{
    /// <summary>The row's run still has its lock session (or predates lock_backend_pid).</summary>
    private const string LockAlive =
        "((details->>'lock_backend_pid') IS NULL OR EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = (details->>'lock_backend_pid')::int))";

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

    /// <summary>
    /// $2 = HEARTBEAT_TTL_MIN, $3 = MAX_RUN_HOURS, $4 = own run id. Besides the TTLs, a running row whose lock
    /// session (details.lock_backend_pid) no longer exists is stale at once: the caller holds the run lock, so
    /// that run's process died (kill -9, OOM) or lost its lock, and the next run need not wait HEARTBEAT_TTL_MIN.
    /// </summary>
    public static string Running(string journal) => $"""
        WITH stale AS (
            SELECT id, CASE
                WHEN ts_start < now() - make_interval(hours => $3::int)
                    THEN format('started at %s, more than MAX_RUN_HOURS=%s h ago', ts_start, $3::int)
                WHEN NOT {LockAlive}
                    THEN format('its lock session (backend %s) is gone: the process died', details->>'lock_backend_pid')
                ELSE format('last heartbeat at %s, older than HEARTBEAT_TTL_MIN=%s min',
                    coalesce(details->>'heartbeat_ts', 'never'), $2::int)
                END AS reason
            FROM {journal}
            WHERE process_name = $1 AND status = 'running' AND ts_end IS NULL AND id <> $4
              AND (NOT {LockAlive} OR ts_start < now() - make_interval(hours => $3::int)
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
