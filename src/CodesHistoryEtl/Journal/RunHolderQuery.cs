namespace CodesHistoryEtl.Journal;

/// <summary>Reads who holds a run lock: the journal's active row and the PostgreSQL session holding the advisory lock.</summary>
internal static class RunHolderQuery
{
    private const string Operation = "find the run lock holder";

    // pg_try_advisory_lock(bigint) shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
    private const string LockSql = """
        SELECT a.pid, host(a.client_addr), a.backend_start, a.application_name
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint = ((hashtext($1)::bigint >> 32) & 4294967295)
          AND l.objid::bigint = (hashtext($1)::bigint & 4294967295)
        LIMIT 1
        """;

    public static async Task<RunHolder> FindAsync(PgSession session, JournalTables tables, string processName, CancellationToken ct)
    {
        var journalSql = $"""
            SELECT id, details->>'host', details->>'pid', ts_start, (details->>'heartbeat_ts')::timestamptz
            FROM {tables.Journal}
            WHERE process_name = $1 AND status IN ('planned', 'running') AND ts_end IS NULL
            LIMIT 1
            """;
        List<RunHolder> runs;
        try
        {
            runs = await session.QueryAsync(Operation, journalSql,
                r => new RunHolder(r.GetInt64(0), NullableString(r, 1), NullableString(r, 2), r.GetFieldValue<DateTimeOffset>(3),
                    r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), null, null, null, null),
                ct, processName);
        }
        catch (JournalException e) when (e.IsUndefinedTable)
        {
            runs = []; // not migrated yet: pg_locks alone names the holder
        }

        var sessions = await session.QueryAsync(Operation, LockSql,
            r => (Pid: r.GetInt32(0), Client: NullableString(r, 1), Since: r.GetFieldValue<DateTimeOffset>(2), App: NullableString(r, 3)),
            ct, processName);

        var holder = runs.FirstOrDefault() ?? new RunHolder(null, null, null, null, null, null, null, null, null);
        return sessions.Count == 0
            ? holder
            : holder with { BackendPid = sessions[0].Pid, ClientAddress = sessions[0].Client, ConnectedSince = sessions[0].Since, Application = sessions[0].App };
    }

    private static string? NullableString(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
