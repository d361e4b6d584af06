using System.Globalization;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Which windows of a backfill are already committed, day by day (business days): logs each day's windows
/// to do and skipped, and returns the skipped ones (none with <see cref="BackfillMode.Force"/>).
/// </summary>
public static class BackfillPlan
{
    public static async Task<IReadOnlySet<Window>> SkippedAsync(JournalSettings journal, IReadOnlyList<Window> windows, BackfillMode mode,
        TimeZoneInfo businessTz, CancellationToken ct)
    {
        var skipped = new HashSet<Window>();
        if (windows.Count == 0)
        {
            return skipped;
        }

        var committed = await CommittedWindows.ReadAsync(journal, new Window(windows[0].Since, windows[^1].Until), ct);
        foreach (var day in windows.GroupBy(w => BusinessTime.DayOf(w.Since, businessTz)))
        {
            var done = mode == BackfillMode.Force ? [] : day.Where(committed.Covers).ToList();
            skipped.UnionWith(done);
            var forced = mode == BackfillMode.Force ? day.Count(committed.Covers) : 0;
            Log.Information("Backfill day {Day}: {ToDo} window(s) to do, {Skipped} skipped (already committed){Forced}",
                day.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day.Count() - done.Count, done.Count,
                forced > 0 ? $", {forced} committed before and redone (--force)" : "");
        }

        return skipped;
    }
}
