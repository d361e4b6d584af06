using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// PostgreSQL unreachable at start (nothing is done), its connections cut mid-run (the run that lost its lock stops
/// before committing another window and says why), and only the heartbeat's connection cut (a blip: retried).
/// </summary>
public sealed class PostgresOutageTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task PostgreSQL_down_at_start_fails_naming_it_and_writes_nothing()
    {
        await using var pipeline = await FaultScenario.StartAsync(postgres, clickHouse);
        var goodDsn = pipeline.Env["PG_DSN"];
        var port = FreePort.Get();
        pipeline.Env["PG_DSN"] = $"postgresql://etl:etl_pg_secret@127.0.0.1:{port}/etl";

        var down = await pipeline.RunAsync("run");

        pipeline.Env["PG_DSN"] = goodDsn; // to read the watermark and the journal
        await FaultScenario.AssertNothingDoneAsync(pipeline, down, "PostgreSQL", port, "etl_pg_secret");
        Assert.Equal(0, await FaultScenario.TableCountAsync(clickHouse, pipeline.ChDatabase));
        await FaultScenario.AssertFirstRunSucceedsAsync(pipeline);
    }

    [Fact]
    public async Task All_its_PostgreSQL_connections_terminated_mid_run_stops_the_run_before_the_next_commit()
    {
        await using var pipeline = await FaultScenario.StartAsync(postgres, clickHouse);
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 100);
        var committed = await pipeline.WatermarkAsync();

        var terminated = await PostgresSessions.TerminateAsync(pipeline, "true");

        Assert.True(terminated >= 2, $"terminated {terminated} backends (the lock's and the heartbeat's at least)");
        var code = await etl.WaitAsync();
        Assert.True(code == ExitCodes.Failed, etl.Stderr);
        Assert.Contains("run lock", etl.Stderr, StringComparison.Ordinal);
        Assert.Equal(committed, await pipeline.WatermarkAsync());
        Assert.Empty(FaultScenario.Temporaries(pipeline));
        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        await FaultScenario.AssertNextRunRecoversAsync(pipeline, "lock_lost", "run lock");
    }

    [Fact]
    public async Task The_heartbeat_connection_terminated_is_a_blip_the_run_reconnects_and_finishes()
    {
        await using var pipeline = await FaultScenario.StartAsync(postgres, clickHouse);
        // 3 windows still to go at 200 ms a frame: seconds, against a heartbeat every second (HEARTBEAT_SEC=1)
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 200);

        var terminated = await PostgresSessions.TerminateAsync(pipeline, "query LIKE 'UPDATE%''progress''%'");

        Assert.Equal(1, terminated);
        await etl.WaitForLogAsync("Heartbeat of run");
        Assert.True(await etl.WaitAsync() == ExitCodes.Ok, etl.Stderr);
        await pipeline.AssertParityAsync(FaultScenario.Windows(FaultScenario.WindowsPerRun));
        Assert.Equal("ok", Assert.Single(await pipeline.RunsAsync()).Status);
    }

}
