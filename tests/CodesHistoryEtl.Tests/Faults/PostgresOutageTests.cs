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
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        var goodDsn = pipeline.Env["PG_DSN"];
        var port = FreePort.Get();
        pipeline.Env["PG_DSN"] = $"postgresql://etl:etl_pg_secret@127.0.0.1:{port}/etl";

        var down = await pipeline.RunAsync("run");

        pipeline.Env["PG_DSN"] = goodDsn; // for the next run (the test reads the journal through its own DSN)
        await FaultEndings.AssertNothingDoneAsync(pipeline, clickHouse, down, "PostgreSQL", port, "etl_pg_secret");
        await FaultEndings.AssertNoPostgresTablesAsync(pipeline, "PostgreSQL down at start");
        await FaultEndings.AssertFirstRunSucceedsAsync(pipeline);
    }

    [Fact]
    public async Task All_its_PostgreSQL_connections_terminated_mid_run_stops_the_run_before_the_next_commit()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 100);
        var committed = await pipeline.WatermarkAsync();

        var terminated = await PostgresSessions.TerminateAsync(pipeline, "true");

        Assert.True(terminated >= 2, $"terminated {terminated} backends (the lock's and the heartbeat's at least)");
        await FaultEndings.AssertFailedAsync(pipeline, (await etl.WaitAsync(), etl.Stdout, etl.Stderr), "lock_lost", "run lock", committed);
        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "lock_lost", "run lock");
    }

    [Fact]
    public async Task The_heartbeat_connection_terminated_is_a_blip_the_run_reconnects_and_finishes()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        // 3 windows still to go at 200 ms a frame: seconds, against a heartbeat every second (HEARTBEAT_SEC=1)
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 200);

        var terminated = await PostgresSessions.TerminateAsync(pipeline, "query LIKE 'UPDATE%''progress''%'");

        Assert.Equal(1, terminated);
        await etl.WaitForLogAsync("Heartbeat of run");
        Assert.True(await etl.WaitAsync() == ExitCodes.Ok, etl.Stderr);
        await FaultEndings.AssertLandedAsync(pipeline, FaultScenario.Scheduled(FaultScenario.WindowsPerRun));
        Assert.Equal("ok", Assert.Single(await pipeline.RunsAsync()).Status);
    }
}
