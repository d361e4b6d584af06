using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>Phoenix faults during a whole <c>etl run</c> (the client alone: Phoenix/PhoenixFaultTests): retried or failed clearly, then parity.</summary>
public sealed class PhoenixFaultRunTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private static readonly IReadOnlyList<CodesHistoryEtl.Etl.SourceRow> Rows = SyntheticData.Generate(11, new DateOnly(2025, 7, 31), 2, 4_800);

    [Fact]
    public async Task Http_503_bursts_at_the_start_and_between_windows_are_retried_and_the_run_reaches_parity()
    {
        var windows = FaultScenario.Hours(3);
        await using var pipeline = await StartAsync();
        pipeline.Sim.Faults.Http503Burst(2);

        var run = await FaultScenario.RunBreakingAfterFirstCommitAsync(pipeline, windows, () =>
        {
            Assert.Equal(0, pipeline.Sim.Faults.Http503Remaining);
            pipeline.Sim.Faults.Http503Burst(2);
        });

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Equal(0, pipeline.Sim.Faults.Http503Remaining);
        Assert.Contains("(HTTP 503)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("retry 2 of 3", run.Stderr, StringComparison.Ordinal);
        await FaultEndings.AssertLandedAsync(pipeline, windows);
    }

    [Fact]
    public async Task Session_lost_mid_window_reruns_the_window_from_its_start_without_duplicates()
    {
        var windows = FaultScenario.Hours(2);
        await using var pipeline = await StartAsync();
        pipeline.Sim.Faults.ExpireConnectionsAfterFrames(2); // execute + 1 fetch of window 1 served, then everything expires

        var run = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Contains("missing_statement", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Window {windows[0]} failed on attempt 1", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("re-running it from its start", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, pipeline.Sim.RequestLog.Count(r => r == "OpenConnectionRequest"));
        await FaultEndings.AssertLandedAsync(pipeline, windows);
        Assert.Equal(windows.Sum(w => (long)pipeline.Sim.Data.RowsIn(w.Since, w.Until).Count()), (await pipeline.RunsAsync())[0].RowsRead);
    }

    [Fact]
    public async Task Connection_expired_between_windows_answers_error_code_1_and_is_reopened()
    {
        // broken at the first commit, when the second window is already read: the third meets the expired connection
        var windows = FaultScenario.Hours(3);
        await using var pipeline = await StartAsync();

        var run = await FaultScenario.RunBreakingAfterFirstCommitAsync(pipeline, windows, pipeline.Sim.ExpireAllConnections);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Contains("does not know the connection", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("failed before the first row", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("re-running it from its start", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, pipeline.Sim.RequestLog.Count(r => r == "OpenConnectionRequest"));
        await FaultEndings.AssertLandedAsync(pipeline, windows);
    }

    [Fact]
    public async Task Stalled_server_fails_the_run_naming_phoenix_and_the_endpoint_and_a_rerun_reaches_parity()
    {
        var windows = FaultScenario.Hours(3);
        await using var pipeline = await StartAsync();
        pipeline.Env["PQS_TIMEOUT_SEC"] = "1";
        pipeline.Env["PQS_RETRIES"] = "1";

        // broken at the first commit, when the second window is already read: the third stalls, the second still commits
        var run = await FaultScenario.RunBreakingAfterFirstCommitAsync(pipeline, windows, () => pipeline.Sim.Faults.FrameLatency = TimeSpan.FromSeconds(3));

        var endpoint = $"http://127.0.0.1:{pipeline.Sim.Url.Port}";
        await FaultEndings.AssertFailedAsync(pipeline, run, "phoenix",
            $"no answer from {endpoint} within 1 s (PQS_TIMEOUT_SEC)", windows[1].Until);
        Assert.Contains("Phoenix ", (await pipeline.RunsAsync())[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, (await pipeline.RunsAsync())[0].WindowsDone);

        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        await FaultEndings.AssertRunLandsAsync(pipeline, windows);
    }

    [Fact]
    public async Task Http_503_with_no_retries_left_fails_clearly_and_a_rerun_reaches_parity()
    {
        var windows = FaultScenario.Hours(2);
        await using var pipeline = await StartAsync();
        pipeline.Env["PQS_RETRIES"] = "0";
        pipeline.Sim.Faults.Http503Burst(1);

        var run = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        await FaultEndings.AssertFailedAsync(pipeline, run, "phoenix", $"(HTTP 503): http://127.0.0.1:{pipeline.Sim.Url.Port} is unavailable", null);
        Assert.Empty(Directory.GetFiles(pipeline.ExportDir));
        Assert.Equal(0, await pipeline.CountAsync(new CodesHistoryEtl.Etl.Window(windows[0].Since, windows[^1].Until)));

        await FaultEndings.AssertRunLandsAsync(pipeline, windows);
    }

    [Fact]
    public async Task A_rerun_that_cannot_read_phoenix_leaves_the_committed_window_in_clickhouse_and_its_csv_in_place()
    {
        var windows = FaultScenario.Hours(1);
        await using var pipeline = await StartAsync();
        await FaultEndings.AssertRunLandsAsync(pipeline, windows);
        var csv = CodesHistoryEtl.Csv.ExportFileNames.Csv(pipeline.Export, windows[0], Pipeline.Almaty);
        var csvBefore = await File.ReadAllBytesAsync(csv, TestContext.Current.CancellationToken);

        pipeline.Env["PQS_RETRIES"] = "0";
        pipeline.Sim.Faults.Http503Burst(1);
        var rerun = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        await FaultEndings.AssertFailedAsync(pipeline, rerun, "phoenix", "(HTTP 503)", windows[0].Until);
        Assert.Equal(pipeline.Expected(windows[0]).Count, await pipeline.CountAsync(windows[0]));
        Assert.Equal(csvBefore, await File.ReadAllBytesAsync(csv, TestContext.Current.CancellationToken));
        await pipeline.AssertParityAsync(windows);
    }

    [Fact]
    public async Task A_rerun_whose_phoenix_session_is_lost_mid_window_leaves_the_committed_window_whole()
    {
        var windows = FaultScenario.Hours(1);
        await using var pipeline = await StartAsync();
        await FaultEndings.AssertRunLandsAsync(pipeline, windows);

        pipeline.Env["PQS_RETRIES"] = "0";
        pipeline.Sim.Faults.ExpireConnectionsAfterFrames(2); // the window's first rows arrive (its insert begins), then the session is lost
        var rerun = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        await FaultEndings.AssertFailedAsync(pipeline, rerun, "phoenix", "missing_statement", windows[0].Until);
        Assert.Equal(0, (await pipeline.RunsAsync())[0].WindowsDone);
        await pipeline.AssertParityAsync(windows); // ClickHouse still holds the committed run's rows, exactly once
    }

    /// <summary>A pipeline with its schema applied (the watermark gate needs the table) and small fetch frames.</summary>
    private async Task<Pipeline> StartAsync()
    {
        var pipeline = await Pipeline.StartAsync(postgres, clickHouse, Rows);
        pipeline.Env["PHX_FETCHMANY_SIZE"] = "50";
        await FaultScenario.MigrateAsync(pipeline);
        return pipeline;
    }
}
