using System.Text.RegularExpressions;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>A run logs progress every PROGRESS_SEC (window, rows, rows/s, ETA) and a summary at its end.</summary>
public sealed class ProgressLogTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task A_slow_run_logs_progress_lines_and_a_summary_with_the_run_totals()
    {
        var windows = E2eRows.Windows();
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows, rowsPerDay: 10_000));
        // ~400 rows a window: the first frame is capped at 100 rows, then 10 a frame at 100 ms, ~3 s a window
        pipeline.Env["PHX_FETCHMANY_SIZE"] = "10";
        pipeline.Env["LOG_LEVEL"] = "information";
        pipeline.Sim.Faults.FrameLatency = TimeSpan.FromMilliseconds(100);

        var run = await pipeline.RunAsync("run", "--since", E2eRows.Since, "--until", E2eRows.Until);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);

        var progress = Regex.Matches(run.Stderr, @"Progress: window \[2025-08-01T0[56]:00:00Z, [^)]+\) \(\d/2 done\), (\d+) rows read, \d+ rows/s, ETA (\S+)");
        Assert.True(progress.Count >= 2, "expected progress lines every PROGRESS_SEC=1 in:\n" + run.Stderr);
        var read = progress.Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(read.Order(), read);
        Assert.Contains(progress, m => m.Groups[2].Value != "unknown");

        var total = windows.Sum(w => pipeline.Sim.Data.RowsIn(w.Since, w.Until).Count);
        Assert.Matches($@"Summary: 2/2 windows, {total} rows read, {total} written, 0 rejected in \d\d:\d\d:\d\d\.\d, \d+ rows/s", run.Stderr);
    }
}
