using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// A window that fails (a Phoenix SQL error with PQS_RETRIES=0) fails the run: exit 1, the journal row is
/// 'error' with the reason, the watermark stays at the last committed window, the failed window's CSV is
/// absent (or the one of an earlier run is intact) and no temporary file is left; the next run redoes it.
/// </summary>
public sealed class FailedWindowTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task A_failed_window_keeps_the_last_committed_state_and_the_next_run_redoes_it()
    {
        var windows = E2eRows.Windows(until: "2025-08-01T14:00:00+05:00");
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows, rowsPerDay: 1_000));
        pipeline.Env["PQS_RETRIES"] = "0";
        string[] run = ["run", "--since", E2eRows.Since, "--until", "2025-08-01T14:00:00+05:00"];

        pipeline.Sim.Faults.FailAfterFrames(2); // one frame per window: windows 0 and 1 commit, window 2 fails
        var failed = await pipeline.RunAsync(run);
        Assert.True(failed.ExitCode == ExitCodes.Failed, failed.Stderr);
        var journal = (await pipeline.RunsAsync())[0];
        Assert.Equal("error", journal.Status);
        Assert.Equal("phoenix", journal.ErrorKind);
        Assert.False(string.IsNullOrEmpty(journal.ErrorMessage));
        Assert.Equal(2, journal.WindowsDone);
        Assert.Contains("; the next run redoes the window", failed.Stderr, StringComparison.Ordinal);
        Assert.Equal(windows[1].Until, await pipeline.WatermarkAsync());
        Assert.All(windows.Take(2), w => Assert.True(File.Exists(Csv(pipeline, w))));
        Assert.All(windows.Skip(2), w => Assert.False(File.Exists(Csv(pipeline, w)), $"window {w} failed or never ran but has a CSV"));
        pipeline.AssertNoTemporaryFiles();
        await pipeline.AssertParityAsync(windows.Take(2));

        pipeline.Sim.Faults.FailAfterFrames(0); // now the first window fails on a re-run: its earlier CSV must stay as it was
        var before = await File.ReadAllBytesAsync(Csv(pipeline, windows[0]), TestContext.Current.CancellationToken);
        var failedAgain = await pipeline.RunAsync(run);
        Assert.True(failedAgain.ExitCode == ExitCodes.Failed, failedAgain.Stderr);
        Assert.Contains("the window is behind it, so scheduled runs do not redo it: run this range again", failedAgain.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(Csv(pipeline, windows[0]), TestContext.Current.CancellationToken));
        Assert.Equal(windows[1].Until, await pipeline.WatermarkAsync());
        pipeline.AssertNoTemporaryFiles();

        var redone = await pipeline.RunAsync(run); // the fault fired once and is gone
        Assert.True(redone.ExitCode == ExitCodes.Ok, redone.Stderr);
        await pipeline.AssertParityAsync(windows);
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
        Assert.Equal(["ok", "error", "error"], (await pipeline.RunsAsync()).Select(r => r.Status));
    }

    private static string Csv(Pipeline pipeline, CodesHistoryEtl.Etl.Window window) => ExportFileNames.Csv(pipeline.Export, window, Pipeline.Almaty);
}
