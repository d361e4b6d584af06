namespace CodesHistoryEtl.Journal;

/// <summary>Read-only views of the journal and the watermark, for status and health. Takes no lock, changes nothing.</summary>
public sealed class JournalReader(Config.JournalSettings settings)
{
    private readonly JournalTables _tables = JournalTables.For(settings.Table);

    /// <summary>The newest <paramref name="limit"/> runs of the process, newest first (active ones included); none before the schema exists.</summary>
    public async Task<IReadOnlyList<RunRow>> RecentRunsAsync(int limit, CancellationToken ct)
    {
        var sql = $"""
            SELECT id, status, ts_start, ts_end, window_since, window_until, windows_done, rows_read, rows_written, rows_rejected,
                   (details->>'heartbeat_ts')::timestamptz, details->>'host', details->>'pid', details->>'error_kind', details->>'error_message', details->>'alerted'
            FROM {_tables.Journal} WHERE process_name = $1 ORDER BY id DESC LIMIT $2
            """;
        await using var session = await PgSession.OpenAsync(settings.Dsn, "read journal", dedicated: false, ct);
        try
        {
            return await session.QueryAsync("read journal", sql, r => new RunRow(
                r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), Nullable(r, 3), Nullable(r, 4), Nullable(r, 5),
                r.GetInt32(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), Nullable(r, 10),
                Text(r, 11), Text(r, 12), Text(r, 13), Text(r, 14), Text(r, 15)), ct, settings.ProcessName, limit);
        }
        catch (JournalException e) when (e.IsUndefinedTable)
        {
            return []; // reading never migrates
        }
    }

    private static DateTimeOffset? Nullable(System.Data.Common.DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private static string? Text(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
