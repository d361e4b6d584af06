using System.Globalization;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Csv;

/// <summary>
/// File names of a window's export, in business time:
/// <c>{EXPORT_PREFIX}{yyyyMMdd}_{HHmm}-{HHmm}.csv[.gz]</c> (the business day and hours the window covers;
/// a window ending at midnight ends at 2400), its rejects beside it as <c>....rejects.jsonl</c>, and
/// hidden temporary names <c>.{name}.{run}.tmp</c> that only ever exist while a window is being written.
/// </summary>
public static class ExportFileNames
{
    public static string Csv(ExportSettings export, Window window, TimeZoneInfo businessTz) =>
        Path.Combine(export.Dir, Stem(export.Prefix, window, businessTz) + (export.Gzip ? ".csv.gz" : ".csv"));

    public static string Rejects(ExportSettings export, Window window, TimeZoneInfo businessTz) =>
        Path.Combine(export.Dir, Stem(export.Prefix, window, businessTz) + ".rejects.jsonl");

    public static string Temporary(string finalPath, Guid runId) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, $".{Path.GetFileName(finalPath)}.{runId:N}.tmp");

    /// <summary>Temporary files a killed run left behind (only safe to delete while holding the run lock).</summary>
    public static IEnumerable<string> LeftoverTemporaries(ExportSettings export) =>
        Directory.Exists(export.Dir) ? Directory.EnumerateFiles(export.Dir, $".{export.Prefix}*.tmp") : [];

    private static string Stem(string prefix, Window window, TimeZoneInfo businessTz)
    {
        var start = BusinessTime.ToBusiness(window.Since, businessTz);
        var end = BusinessTime.ToBusiness(window.Until, businessTz);
        var endText = end.Date > start.Date && end.TimeOfDay == TimeSpan.Zero
            ? "2400"
            : end.ToString("HHmm", CultureInfo.InvariantCulture);
        return $"{prefix}{start.ToString("yyyyMMdd_HHmm", CultureInfo.InvariantCulture)}-{endText}";
    }
}
