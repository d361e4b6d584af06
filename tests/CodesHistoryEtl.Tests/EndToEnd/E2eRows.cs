using System.Globalization;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// The small source of the end-to-end tests: a few hours of realistic synthetic rows (NULLs, arrays, unicode,
/// rows on hour bounds, repeated sort keys) plus, in every window, <see cref="SampleRows.Tricky"/> and one pair
/// of rows sharing the sort key (c, opd, et, st, ste) so the second one must get q = 1.
/// </summary>
internal static class E2eRows
{
    /// <summary>The business-time range most tests run: 2025-08-01 10:00..12:00 Asia/Almaty.</summary>
    public const string Since = "2025-08-01T10:00:00+05:00";

    public const string Until = "2025-08-01T12:00:00+05:00";

    /// <summary>The c of the per-window duplicate pair.</summary>
    public const string DuplicateC = "dup-sort-key";

    public static IReadOnlyList<Window> Windows(string since = Since, string until = Until, int stepMin = 60) =>
        new WindowPlanner(TimeSpan.FromMinutes(stepMin), Pipeline.Almaty).Plan(Instant(since), Instant(until));

    public static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Synthetic rows for the whole UTC day 2025-08-01 plus the awkward rows of each of <paramref name="windows"/>.</summary>
    public static IEnumerable<SourceRow> For(IReadOnlyList<Window> windows, int rowsPerDay = 2_000) =>
        SyntheticData.Generate(11, new DateOnly(2025, 8, 1), 1, rowsPerDay)
            .Concat(windows.SelectMany(SampleRows.Tricky))
            .Concat(windows.SelectMany(DuplicatePair));

    private static IEnumerable<SourceRow> DuplicatePair(Window window)
    {
        var opd = window.Since.AddMinutes(7);
        yield return SampleRows.Make(DuplicateC, 4, opd, ("et", SampleRows.Number(2)), ("st", SampleRows.Number(9)));
        yield return SampleRows.Make(DuplicateC, 5, opd, ("et", SampleRows.Number(2)), ("st", SampleRows.Number(9)), ("did", SampleRows.Text("again")));
    }
}
