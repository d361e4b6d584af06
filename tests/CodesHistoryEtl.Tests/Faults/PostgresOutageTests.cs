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
        var port = FaultScenario.ClosedPort();
        pipeline.Env["PG_DSN"] = $"postgresql://etl:etl_pg_secret@127.0.0.1:{port}/etl";

        var down = await pipeline.RunAsync("run");

        Assert.True(down.ExitCode == ExitCodes.Failed, down.Stderr);
        Assert.Contains("PostgreSQL", down.Stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", down.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("etl_pg_secret", down.Stdout + down.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(pipeline.ExportDir) ? Directory.GetFileSystemEntries(pipeline.ExportDir) : []);
        Assert.Equal(0, await FaultScenario.TableCountAsync(clickHouse, pipeline.ChDatabase));

        pipeline.Env["PG_DSN"] = goodDsn;
        Assert.Empty(await pipeline.RunsAsync()); // the run never reached the journal: it has nothing to say
        var rerun = await pipeline.RunAsync("run");
        Assert.True(rerun.ExitCode == ExitCodes.Ok, rerun.Stderr);
        await pipeline.AssertParityAsync(FaultScenario.Windows(FaultScenario.WindowsPerRun));
        Assert.Equal(FaultScenario.Windows(FaultScenario.WindowsPerRun)[^1].Until, await pipeline.WatermarkAsync());
    }

    [Fact]
    public async Task All_its_PostgreSQL_connections_terminated_mid_run_stops_the_run_before_the_next_commit()
    {
        await using var pipeline = await FaultScenario.StartAsync(postgres, clickHouse);
        pipeline.Sim.Faults.FrameLatency = TimeSpan.FromMilliseconds(100);
        using var etl = pipeline.Start("run");
        await etl.WaitForLogAsync(" committed: ");
        var committed = await pipeline.WatermarkAsync();

        var terminated = await FaultScenario.TerminateAsync(pipeline, "true");

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
        pipeline.Sim.Faults.FrameLatency = TimeSpan.FromMilliseconds(50);
        using var etl = pipeline.Start("run");
        await etl.WaitForLogAsync(" committed: ");

        var terminated = await FaultScenario.TerminateAsync(pipeline, "query LIKE 'UPDATE%''progress''%'");

        Assert.Equal(1, terminated);
        Assert.True(await etl.WaitAsync() == ExitCodes.Ok, etl.Stderr);
        Assert.Contains("Heartbeat of run", etl.Stderr, StringComparison.Ordinal);
        await pipeline.AssertParityAsync(FaultScenario.Windows(FaultScenario.WindowsPerRun));
        Assert.Equal("ok", Assert.Single(await pipeline.RunsAsync()).Status);
    }

}
