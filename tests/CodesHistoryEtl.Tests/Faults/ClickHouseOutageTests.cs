using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// ClickHouse unreachable at start (nothing is done), gone mid-run (the window in flight is not committed anywhere),
/// and answering one window's insert with an error (that window fails whole); each time the next run reaches parity.
/// </summary>
public sealed class ClickHouseOutageTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task ClickHouse_down_at_start_fails_naming_it_and_writes_nothing()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        var port = FreePort.Get();
        pipeline.Env["CH_URL"] = $"http://127.0.0.1:{port}";

        var down = await pipeline.RunAsync("run");

        await FaultEndings.AssertNothingDoneAsync(pipeline, clickHouse, down, "ClickHouse", port, clickHouse.Password);
        pipeline.Env["CH_URL"] = clickHouse.Url.ToString();
        await FaultEndings.AssertFirstRunSucceedsAsync(pipeline);
    }

    [Fact]
    public async Task ClickHouse_gone_while_a_window_streams_fails_the_run_cleanly_and_the_next_run_redoes_the_window()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        await using var proxy = new ClickHouseFaultProxy(clickHouse.Url);
        pipeline.Env["CH_URL"] = proxy.Url.ToString();
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 100);

        proxy.Cut();

        Assert.True(await etl.WaitAsync() == ExitCodes.Failed, etl.Stderr);
        await AssertFailedCleanlyAsync(pipeline, "ClickHouse");
        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        proxy.Restore();
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "clickhouse", "ClickHouse");
    }

    [Fact]
    public async Task ClickHouse_answering_one_insert_with_an_error_fails_that_window_whole()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        await using var proxy = new ClickHouseFaultProxy(clickHouse.Url);
        pipeline.Env["CH_URL"] = proxy.Url.ToString();
        proxy.FailInsert(pipeline.Table, 2);

        var failed = await pipeline.RunAsync("run");

        Assert.True(failed.ExitCode == ExitCodes.Failed, failed.Stderr);
        Assert.Equal(2, proxy.Inserts);
        Assert.Equal(FaultScenario.Scheduled(1)[0].Until, await pipeline.WatermarkAsync());
        await AssertFailedCleanlyAsync(pipeline, "Memory limit");
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "clickhouse", "ClickHouse error 241");
    }

    [Fact]
    public async Task ClickHouse_server_killed_while_a_window_streams_fails_the_run_and_after_its_restart_the_next_run_redoes_the_window()
    {
        await using var server = await PrivateClickHouse.StartNewAsync();
        await using var target = await ClickHouseFixture.ConnectAsync(server.Url, PrivateClickHouse.User, PrivateClickHouse.Password);
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, target);
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 100);

        server.Stop();

        Assert.True(await etl.WaitAsync() == ExitCodes.Failed, etl.Stderr);
        Assert.DoesNotContain(PrivateClickHouse.Password, etl.Stderr, StringComparison.Ordinal);
        await AssertFailedCleanlyAsync(pipeline, "ClickHouse");
        await server.StartAsync();
        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "clickhouse", "ClickHouse");
    }

    /// <summary>
    /// Exit 1 already checked: the watermark at a committed window (at least the first, not all), the window after
    /// it in no file, no temporary file, the journal row closed as error by the run itself with the reason.
    /// </summary>
    private static async Task AssertFailedCleanlyAsync(Pipeline pipeline, string reason)
    {
        var committed = await pipeline.WatermarkAsync();
        var windows = FaultScenario.Scheduled(FaultScenario.WindowsPerRun);
        var failedWindow = Assert.Single(windows.Skip(1), w => w.Since == committed);
        Assert.False(File.Exists(ExportFileNames.Csv(pipeline.Export, failedWindow, Pipeline.Almaty)), "the failed window's CSV is visible");
        Assert.Empty(FaultScenario.Temporaries(pipeline));
        var run = Assert.Single(await pipeline.RunsAsync());
        Assert.Equal(("error", "clickhouse"), (run.Status, run.ErrorKind));
        Assert.Contains(reason, run.ErrorMessage, StringComparison.Ordinal);
    }
}
