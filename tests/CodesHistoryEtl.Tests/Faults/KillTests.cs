using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// <c>kill -9</c> of the real etl process at exact places (ETL_FAILPOINT) and from outside mid-window. The next run
/// takes the lock the dead connection released, closes the dead run's journal row at once (its lock is gone),
/// deletes the leftover temporary files, redoes the window from the watermark and reaches parity.
/// </summary>
public sealed class KillTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private const int SigKillExitCode = 128 + 9;

    [Theory]
    [InlineData("fetch")]
    [InlineData("csv")]
    [InlineData("insert")]
    [InlineData("after-csv-rename")]
    public async Task Kill9_at_a_failpoint_of_the_second_window_and_the_next_run_redoes_it(string point)
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        var windows = FaultScenario.Scheduled(3);
        // The second window commits while the third is read, so it is hit there: its CSV's rename, or (the rows' points)
        // the third window's last row, as late as possible (the insert has sent whole chunks by then). Either way the
        // first window is committed, the second is not (its insert may be in ClickHouse), the third is half done.
        var hit = point switch
        {
            "after-csv-rename" => 2,
            "fetch" => pipeline.Sim.Data.RowsIn(windows[0].Since, windows[2].Until).Count(),
            _ => windows.Sum(w => pipeline.Expected(w).Count),
        };
        pipeline.Env["ETL_FAILPOINT"] = $"{point}:{hit}";

        var killed = await pipeline.RunAsync("run");

        Assert.True(killed.ExitCode == SigKillExitCode, killed.Stderr);
        Assert.Contains($"ETL_FAILPOINT {point} reached", killed.Stderr, StringComparison.Ordinal);
        Assert.Equal(windows[0].Until, await pipeline.WatermarkAsync());
        Assert.Equal(point == "after-csv-rename", File.Exists(ExportFileNames.Csv(pipeline.Export, windows[1], Pipeline.Almaty)));
        Assert.False(File.Exists(ExportFileNames.Csv(pipeline.Export, windows[2], Pipeline.Almaty)));
        Assert.NotEmpty(FaultScenario.Temporaries(pipeline));
        Assert.Equal("running", (await pipeline.RunsAsync())[0].Status);

        pipeline.Env.Remove("ETL_FAILPOINT");
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "stale", "run lock");
    }

    [Fact]
    public async Task Kill9_between_a_rerun_window_s_insert_and_the_delete_of_the_earlier_rows_and_the_next_rerun_leaves_one_copy()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        var windows = FaultScenario.Scheduled(2);
        await FaultEndings.AssertRunLandsAsync(pipeline, windows);
        pipeline.Env["ETL_FAILPOINT"] = "replace-delete:1";

        var killed = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        // the first window's new rows are in, the committed run's are not deleted yet: both copies until a rerun
        Assert.True(killed.ExitCode == SigKillExitCode, killed.Stderr);
        Assert.Contains("ETL_FAILPOINT replace-delete reached", killed.Stderr, StringComparison.Ordinal);
        Assert.Equal(2L * pipeline.Expected(windows[0]).Count, await pipeline.CountAsync(windows[0]));
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());

        pipeline.Env.Remove("ETL_FAILPOINT");
        await PostgresSessions.WaitUntilNoLockAsync(pipeline);
        await FaultEndings.AssertRunLandsAsync(pipeline, windows);
    }

    [Fact]
    public async Task Kill9_while_a_rerun_replaces_a_window_behind_the_watermark_leaves_a_hole_that_health_reports_and_backfill_fills()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        var windows = FaultScenario.Scheduled(2);
        await FaultEndings.AssertRunLandsAsync(pipeline, windows);
        Assert.DoesNotContain("UNCOMMITTED_WINDOWS", (await pipeline.RunAsync("health")).Stdout, StringComparison.Ordinal);
        pipeline.Env["ETL_FAILPOINT"] = "replace-delete:1";

        var killed = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        // both copies of the first window are in ClickHouse, and the watermark is past it: no scheduled run will redo it
        Assert.True(killed.ExitCode == SigKillExitCode, killed.Stderr);
        Assert.Equal(2L * pipeline.Expected(windows[0]).Count, await pipeline.CountAsync(windows[0]));
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
        pipeline.Env.Remove("ETL_FAILPOINT");
        await PostgresSessions.WaitUntilNoLockAsync(pipeline);

        // its journal row still says running with a fresh heartbeat: health takes it for a live run replacing those windows
        Assert.DoesNotContain("UNCOMMITTED_WINDOWS", (await pipeline.RunAsync("health")).Stdout, StringComparison.Ordinal);

        // once its heartbeat is older than HEARTBEAT_TTL_MIN (5) the run is dead: health reports it stuck, and the hole
        Assert.Equal(1L, await PostgresSessions.ScalarAsync<long>(pipeline,
            "WITH aged AS (UPDATE public.inc_processing SET ts_start = ts_start - interval '10 minutes', " +
            "details = details || jsonb_build_object('heartbeat_ts', now() - interval '10 minutes') WHERE status = 'running' RETURNING 1) SELECT count(*) FROM aged"));
        var dead = await pipeline.RunAsync("health");
        Assert.Contains("STUCK_RUN", dead.Stdout, StringComparison.Ordinal);
        // the second window was reopened too: it was being read while the first one committed
        const string Hole = "UNCOMMITTED_WINDOWS: 1 range(s) before the watermark are not committed (business time 2025-08-01 06:00..08:00)";
        Assert.Contains(Hole, dead.Stdout, StringComparison.Ordinal);

        // the next scheduled run closes the killed run's row and goes on from the watermark; the hole stays
        var scheduled = await pipeline.RunAsync("run");
        Assert.True(scheduled.ExitCode == 0, scheduled.Stderr);
        var health = await pipeline.RunAsync("health");
        Assert.Contains(Hole, health.Stdout, StringComparison.Ordinal);
        Assert.Contains("etl backfill --since 2025-08-01 --until 2025-08-02", health.Stdout, StringComparison.Ordinal);
        Assert.Contains("Holes:     1 range(s) before the watermark not committed (business time 2025-08-01 06:00..08:00)",
            (await pipeline.RunAsync("status")).Stdout, StringComparison.Ordinal);

        var backfill = await pipeline.RunAsync("backfill", "--since", "2025-08-01", "--until", "2025-08-02");

        // the day's windows but the scheduled run's are done, the killed ones among them
        Assert.True(backfill.ExitCode == 0, backfill.Stderr);
        var committed = FaultScenario.Scheduled(2 + FaultScenario.WindowsPerRun).Skip(2).ToList();
        Assert.Contains($"Backfill day 2025-08-01: {24 - committed.Count} window(s) to do, {committed.Count} skipped (already committed)", backfill.Stderr, StringComparison.Ordinal);
        var day = FaultScenario.Hours(24);
        await FaultEndings.AssertLandedAsync(pipeline, day, day.Except(committed).ToList());
        Assert.DoesNotContain("UNCOMMITTED_WINDOWS", (await pipeline.RunAsync("health")).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Holes:", (await pipeline.RunAsync("status")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill9_from_outside_while_a_window_streams_and_the_next_run_resumes_at_the_watermark()
    {
        await using var pipeline = await FaultScenario.StartScheduledAsync(postgres, clickHouse);
        using var etl = await FaultScenario.StartSlowRunAfterFirstCommitAsync(pipeline, 100);

        etl.Kill9();

        Assert.Equal(SigKillExitCode, await etl.WaitAsync());
        Assert.True(await pipeline.WatermarkAsync() < FaultScenario.Scheduled(FaultScenario.WindowsPerRun)[^1].Until, "the run ended before the kill");
        Assert.Equal("running", (await pipeline.RunsAsync())[0].Status);
        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        await FaultEndings.AssertNextRunRecoversAsync(pipeline, "stale", "run lock");
    }
}
