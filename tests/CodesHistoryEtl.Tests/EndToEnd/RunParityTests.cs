using System.Globalization;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// Row parity through the real exe in every mode the issue names: both time units, both bind modes, a STEP_MIN
/// other than 60, gzip CSV and cluster mode. Each source row of a window is in its CSV and in ClickHouse exactly
/// once with equal values, on the first run and after a re-run of the same range.
/// </summary>
public sealed class RunParityTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Theory]
    [InlineData(TimeUnits.Timestamp, "param", 60, false, false)]
    [InlineData(TimeUnits.Millis, "literal", 30, true, false)]
    [InlineData(TimeUnits.Timestamp, "literal", 60, false, true)]
    [InlineData(TimeUnits.Millis, "param", 30, false, true)]
    public async Task Every_row_of_every_window_lands_once_in_csv_and_clickhouse_and_a_rerun_keeps_it_so(
        TimeUnits units, string bindMode, int stepMin, bool gzip, bool cluster)
    {
        var windows = E2eRows.Windows(stepMin: stepMin);
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows), units, cluster);
        pipeline.Env["PHX_BIND_MODE"] = bindMode;
        pipeline.Env["EXPORT_GZIP"] = gzip ? "true" : "false";
        string[] args = ["run", "--since", E2eRows.Since, "--until", E2eRows.Until, "--step-min", stepMin.ToString(CultureInfo.InvariantCulture)];

        for (var run = 1; run <= 2; run++)
        {
            var result = await pipeline.RunAsync(args);
            Assert.True(result.ExitCode == ExitCodes.Ok, $"run {run}: {result.Stderr}");
            await pipeline.AssertParityAsync(windows);
            Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
        }

        var runs = await pipeline.RunsAsync();
        Assert.Equal(["ok", "ok"], runs.Select(r => r.Status));
        Assert.All(runs, r => Assert.Equal(windows.Count, r.WindowsDone));
        Assert.All(windows, w => Assert.True(File.Exists(Path.Combine(pipeline.ExportDir, CsvName(pipeline, w)))));
        await AssertTransformAsync(pipeline, windows);
    }

    /// <summary>Independent of the harness's expected rows: the repeated sort key got q = 1 once per window, and a row exactly on a bound went to the later window.</summary>
    private async Task AssertTransformAsync(Pipeline pipeline, IReadOnlyList<CodesHistoryEtl.Etl.Window> windows)
    {
        var repeats = await clickHouse.QueryAsync($"SELECT q, count() FROM {pipeline.Table} WHERE c = '{E2eRows.DuplicateC}' GROUP BY q ORDER BY q");
        Assert.Equal($"0\t{windows.Count}\n1\t{windows.Count}\n", repeats);

        var bound = windows[1].Since.ToUnixTimeSeconds();
        var ts = await clickHouse.QueryAsync(
            $"SELECT toUnixTimestamp(ts) FROM {pipeline.Table} WHERE c = '010460043993125621JgXJ5.Tl' AND t = 1 AND opd = toDateTime({bound})");
        Assert.Equal($"{windows[1].Until.ToUnixTimeSeconds()}\n", ts);
    }

    private static string CsvName(Pipeline pipeline, CodesHistoryEtl.Etl.Window window) =>
        Path.GetFileName(CodesHistoryEtl.Csv.ExportFileNames.Csv(pipeline.Export, window, Pipeline.Almaty));
}
