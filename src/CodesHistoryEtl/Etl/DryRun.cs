using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Phoenix;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// <c>etl run --dry-run</c>: prints the plan (windows in UTC and business time, their CSV files), the SQL
/// and the EXPLAIN of the first window, then reads and counts every window. Writes nothing anywhere:
/// no CSV, no ClickHouse, no journal, no watermark, no schema migration.
/// </summary>
public static class DryRun
{
    public static async Task ExecuteAsync(EtlSettings settings, IReadOnlyList<Window> windows, TextWriter output, CancellationToken ct)
    {
        var tz = settings.Window.BusinessTz;
        await output.WriteLineAsync($"Dry run: {windows.Count} window(s), business time {tz.Id}; nothing will be written.");
        if (windows.Count == 0)
        {
            await output.WriteLineAsync("Nothing to do: the watermark is already at now - SAFETY_LAG_MIN.");
            return;
        }

        await using var phoenix = new PhoenixClient(settings.Phoenix);
        await phoenix.OpenAsync(ct);
        await output.WriteLineAsync($"SQL of the first window: {phoenix.DescribeWindowQuery(windows[0].Since, windows[0].Until)}");
        var plan = await phoenix.ExplainAsync(windows[0].Since, windows[0].Until, ct);
        await output.WriteLineAsync("EXPLAIN:");
        await output.WriteLineAsync(plan.Text);
        if (plan.IsFullScan)
        {
            await output.WriteLineAsync("WARNING: FULL SCAN of the source table for every window (the time column is not the leading key).");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"window (UTC)",-44} {"business time",-34} {"rows",10} {"rejects",8}  csv");
        long total = 0, rejected = 0;
        foreach (var window in windows)
        {
            var (rows, rejects) = await CountAsync(phoenix, window, ct);
            total += rows;
            rejected += rejects;
            var business = $"{BusinessTime.ToBusiness(window.Since, tz):yyyy-MM-dd HH:mm}..{BusinessTime.ToBusiness(window.Until, tz):HH:mm zzz}";
            await output.WriteLineAsync(
                $"{window,-44} {business,-34} {rows,10} {rejects,8}  {Path.GetFileName(ExportFileNames.Csv(settings.Export, window, tz))}");
        }

        await output.WriteLineAsync($"Total: {total} rows, {rejected} would be rejected (MAX_REJECTS={settings.Window.MaxRejects}).");
    }

    private static async Task<(long Rows, long Rejects)> CountAsync(PhoenixClient phoenix, Window window, CancellationToken ct)
    {
        var transformer = new RowTransformer(window);
        var exported = new ExportRow();
        long rows = 0, rejects = 0;
        await foreach (var row in phoenix.ReadWindowAsync(window.Since, window.Until, ct))
        {
            rows++;
            rejects += transformer.TryTransform(row, exported, out _) ? 0 : 1;
        }

        return (rows, rejects);
    }
}
