using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// The windows a process has committed (<c>&lt;journal&gt;_committed</c>, written by <see cref="RunJournal.RecordWindowAsync"/>),
/// merged into ranges, so a window counts as committed when the union of committed windows covers it,
/// whatever STEP_MIN they were committed with.
/// </summary>
public sealed class CommittedWindows
{
    private readonly List<Window> _ranges;

    private CommittedWindows(List<Window> ranges) => _ranges = ranges;

    /// <summary>Reads the committed windows overlapping <paramref name="span"/>; a journal not migrated yet has none.</summary>
    public static async Task<CommittedWindows> ReadAsync(JournalSettings settings, Window span, CancellationToken ct)
    {
        await using var session = await OpenAsync(settings, ct);
        return new(await ReadMergedAsync(session, settings, span.Since, span.Until, ct) ?? []);
    }

    /// <summary>
    /// The holes in the committed windows before <paramref name="until"/>, from where the process first committed (the
    /// earliest committed window, or the range of the earliest run that committed one, in case that window was reopened):
    /// windows a run reopened (<see cref="RunJournal.ReopenWindowAsync"/>) and did not commit again. None when nothing was
    /// committed, or the table is not migrated yet (a new binary's health check before its first run).
    /// </summary>
    public static async Task<IReadOnlyList<Window>> GapsAsync(JournalSettings settings, DateTimeOffset until, CancellationToken ct)
    {
        var gaps = new List<Window>();
        await using var session = await OpenAsync(settings, ct);
        if (await ReadMergedAsync(session, settings, null, until, ct) is not { } ranges)
        {
            return gaps;
        }

        // the earlier of the first committed window and where the first committing run began
        DateTimeOffset? cursor = ranges.Count > 0 ? ranges[0].Since : null;
        if (await FirstCommittingRunAsync(session, settings, until, ct) is { } run && (cursor is null || run < cursor))
        {
            cursor = run;
        }

        if (cursor is not { } from)
        {
            return gaps;
        }

        foreach (var range in ranges.Append(new Window(until, until)))
        {
            if (range.Since > from)
            {
                gaps.Add(new Window(from, range.Since));
            }

            from = range.Until > from ? range.Until : from;
        }

        return gaps;
    }

    /// <summary>True when committed windows cover all of <paramref name="window"/>.</summary>
    public bool Covers(Window window) => _ranges.Any(r => r.Since <= window.Since && r.Until >= window.Until);

    /// <summary>The committed windows overlapping <c>[since, until)</c>, merged; null when the table does not exist yet.</summary>
    private static async Task<List<Window>?> ReadMergedAsync(PgSession session, JournalSettings settings, DateTimeOffset? since, DateTimeOffset until,
        CancellationToken ct)
    {
        var tables = JournalTables.For(settings.Table);
        var sql = $"""
            SELECT window_since, window_until FROM {tables.Committed}
            WHERE process_name = $1 AND ($2::timestamptz IS NULL OR window_until > $2) AND window_since < $3
            ORDER BY window_since, window_until
            """;
        try
        {
            var rows = await session.QueryAsync("read committed windows", sql,
                r => new Window(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1)), ct, settings.ProcessName, since, until);
            return Merge(rows);
        }
        catch (JournalException e) when (e.IsUndefinedTable)
        {
            return null;
        }
    }

    /// <summary>Where the earliest run that committed a window began (its first window), before <paramref name="until"/>.</summary>
    private static async Task<DateTimeOffset?> FirstCommittingRunAsync(PgSession session, JournalSettings settings, DateTimeOffset until, CancellationToken ct)
    {
        var sql = $"SELECT min(window_since) FROM {JournalTables.For(settings.Table).Journal} WHERE process_name = $1 AND windows_done > 0 AND window_since < $2";
        var first = await session.QueryAsync("read committed windows", sql, r => r.IsDBNull(0) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(0),
            ct, settings.ProcessName, until);
        return first[0];
    }

    private static Task<PgSession> OpenAsync(JournalSettings settings, CancellationToken ct) =>
        PgSession.OpenAsync(settings.Dsn, "read committed windows", dedicated: false, ct);

    private static List<Window> Merge(IEnumerable<Window> sorted)
    {
        var merged = new List<Window>();
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && range.Since <= merged[^1].Until)
            {
                merged[^1] = merged[^1] with { Until = range.Until > merged[^1].Until ? range.Until : merged[^1].Until };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }
}
