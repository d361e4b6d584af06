using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// ClickHouse unreachable at start (the run fails journaled, nothing is written), gone mid-run (the window in flight is not committed anywhere),
/// and answering one window's insert with an error (that window fails whole); each time the next run reaches parity.
/// </summary>
public sealed class ClickHouseOutageTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task ClickHouse_down_at_start_fails_naming_it_journals_why_and_writes_nothing_else()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        var port = FreePort.Get();
        pipeline.Env["CH_URL"] = $"http://127.0.0.1:{port}";

        var down = await pipeline.RunAsync("run");

        Assert.True(down.ExitCode == ExitCodes.Failed, down.Stderr);
        Assert.Contains($"127.0.0.1:{port}", down.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(clickHouse.Password, down.Stdout + down.Stderr, StringComparison.Ordinal);
        // the run took the lock and journaled itself before it needed ClickHouse: the journal says why it failed
        var run = Assert.Single(await pipeline.RunsAsync());
        Assert.Equal(("error", "clickhouse"), (run.Status, run.ErrorKind));
        Assert.Contains($"127.0.0.1:{port}", run.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, run.WindowsDone);
        Assert.Null(await pipeline.WatermarkAsync());
        Assert.Empty(Directory.GetFileSystemEntries(pipeline.ExportDir));
        Assert.Equal("0", (await clickHouse.QueryAsync($"SELECT count() FROM system.tables WHERE database = '{pipeline.ChDatabase}'")).Trim());

        pipeline.Env["CH_URL"] = clickHouse.Url.ToString();
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "clickhouse", $"127.0.0.1:{port}");
    }

    [Fact]
    public async Task ClickHouse_gone_while_a_window_streams_fails_the_run_cleanly_and_the_next_run_redoes_the_window()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        await using var proxy = new ClickHouseFaultProxy(clickHouse.Url);
        pipeline.Env["CH_URL"] = proxy.Url.ToString();
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 100);

        proxy.Cut();

        await FaultEndings.AssertFailedMidRunAsync(pipeline, (await etl.WaitAsync(), etl.Stdout, etl.Stderr), "clickhouse", "ClickHouse");
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
        // the second window's answer is awaited while the third is read: the third insert had begun, and was aborted
        Assert.Equal(3, proxy.Inserts);
        Assert.Equal(FaultScenario.Scheduled(1)[0].Until, await pipeline.WatermarkAsync());
        await FaultEndings.AssertFailedMidRunAsync(pipeline, failed, "clickhouse", "Memory limit");
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

        var failed = (await etl.WaitAsync(), etl.Stdout, etl.Stderr);
        Assert.DoesNotContain(PrivateClickHouse.Password, failed.Stdout + failed.Stderr, StringComparison.Ordinal);
        await FaultEndings.AssertFailedMidRunAsync(pipeline, failed, "clickhouse", "ClickHouse");
        await server.StartAsync();
        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "clickhouse", "ClickHouse");
    }
}
