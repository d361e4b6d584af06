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
        var tables = JournalTables.For(settings.Table);
        var sql = $"""
            SELECT window_since, window_until FROM {tables.Committed}
            WHERE process_name = $1 AND window_until > $2 AND window_since < $3
            ORDER BY window_since, window_until
            """;
        try
        {
            await using var session = await PgSession.OpenAsync(settings.Dsn, "read committed windows", dedicated: false, ct);
            var rows = await session.QueryAsync("read committed windows", sql,
                r => new Window(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1)), ct, settings.ProcessName, span.Since, span.Until);
            return new CommittedWindows(Merge(rows));
        }
        catch (JournalException e) when (e.IsUndefinedTable)
        {
            return new CommittedWindows([]);
        }
    }

    /// <summary>True when committed windows cover all of <paramref name="window"/>.</summary>
    public bool Covers(Window window) => _ranges.Any(r => r.Since <= window.Since && r.Until >= window.Until);

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
