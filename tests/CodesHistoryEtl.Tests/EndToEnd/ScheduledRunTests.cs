using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// <c>etl run</c> with no range, as the timer calls it: INITIAL_SINCE is required before the first watermark,
/// MAX_WINDOWS_PER_RUN caps a catch-up (the data is in 2025, now is later), the next run continues from the
/// watermark, and LOOKBACK_MIN re-reads windows before it without duplicating a row.
/// </summary>
public sealed class ScheduledRunTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task Scheduled_runs_start_at_initial_since_catch_up_in_capped_steps_and_look_back_without_duplicates()
    {
        var windows = E2eRows.Windows(until: "2025-08-01T15:00:00+05:00");
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows, rowsPerDay: 1_000));
        pipeline.Env["MAX_WINDOWS_PER_RUN"] = "2";

        var missing = await pipeline.RunAsync("run");
        Assert.Equal(ExitCodes.Config, missing.ExitCode);
        Assert.Contains("INITIAL_SINCE", missing.Stderr, StringComparison.Ordinal);
        Assert.Null(await pipeline.WatermarkAsync());

        pipeline.Env["INITIAL_SINCE"] = E2eRows.Since;
        await RunOkAsync(pipeline);
        Assert.Equal(windows[1].Until, await pipeline.WatermarkAsync());
        await RunOkAsync(pipeline);
        Assert.Equal(windows[3].Until, await pipeline.WatermarkAsync());

        pipeline.Env["LOOKBACK_MIN"] = "60"; // re-reads window 3, then does window 4
        await RunOkAsync(pipeline);
        Assert.Equal(windows[4].Until, await pipeline.WatermarkAsync());
        await pipeline.AssertParityAsync(windows);

        var runs = await pipeline.RunsAsync();
        Assert.Equal(["ok", "ok", "ok"], runs.Select(r => r.Status));
        Assert.All(runs, r => Assert.Equal(2, r.WindowsDone));
        Assert.Equal(windows[3].Since, runs[0].WindowSince);
        Assert.Equal(windows[4].Until, runs[0].WindowUntil);
        Assert.Equal(windows[0].Since, runs[2].WindowSince);
    }

    private static async Task RunOkAsync(Pipeline pipeline)
    {
        var result = await pipeline.RunAsync("run");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Stderr);
    }
}
