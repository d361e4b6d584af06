using System.Text.RegularExpressions;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;
using Npgsql;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Ops;

/// <summary><c>etl backfill</c> through the real exe: day by day, skips committed windows, resumes after kill -9, --force, busy, watermark.</summary>
public sealed partial class BackfillTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private static readonly string[] TwoDays = ["backfill", "--since", "2025-08-01", "--until", "2025-08-03"];

    [Fact(Timeout = 240_000)]
    public async Task Killed_backfill_resumes_without_redoing_committed_windows_and_force_redoes_them()
    {
        var windows = Pipeline.Hours("2025-08-01", "2025-08-03");
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(5, new DateOnly(2025, 7, 31), 4, 240));
        pipeline.Sim.Faults.FrameLatency = TimeSpan.FromMilliseconds(150);

        using (var first = pipeline.Start(TwoDays))
        {
            await first.WaitForLogAsync("Backfill day 2025-08-02: 24 window(s) to do, 0 skipped");
            while (WindowCommitted().Count(first.Stderr) < 10)
            {
                Assert.DoesNotContain("Summary:", first.Stderr, StringComparison.Ordinal); // still running
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            first.Kill9();
            await first.WaitAsync();
        }

        var before = await CommittedAsync(pipeline);
        Assert.InRange(before.Count, 10, 47);
        var killed = (await pipeline.RunsAsync())[0];
        Assert.Equal("running", killed.Status);
        Assert.All(before, c => Assert.Equal(killed.Id, c.RunId));
        // the watermark moves just before the window is recorded: a kill between the two leaves it one window ahead
        Assert.Contains(await pipeline.WatermarkAsync(), new DateTimeOffset?[] { windows[before.Count - 1].Until, windows[before.Count].Until });

        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        var resumed = await pipeline.RunAsync(TwoDays);
        Assert.True(resumed.ExitCode == ExitCodes.Ok, resumed.Stderr);
        Assert.Contains($"Backfill day 2025-08-01: {24 - Math.Min(24, before.Count)} window(s) to do, {Math.Min(24, before.Count)} skipped", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(48 - before.Count, WindowCommitted().Count(resumed.Stderr));
        await pipeline.AssertParityAsync(windows);
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());

        var runs = await pipeline.RunsAsync();
        Assert.Equal(("ok", 48 - before.Count), (runs[0].Status, runs[0].WindowsDone));
        Assert.Equal(("error", "stale"), (runs[1].Status, runs[1].ErrorKind)); // the killed run, closed by the resumed one at once
        var after = await CommittedAsync(pipeline);
        Assert.Equal(windows.Select(w => w.Since), after.Select(c => c.Since));
        Assert.Equal(before, after.Take(before.Count)); // nothing committed was redone: same run, same commit time
        Assert.All(after.Skip(before.Count), c => Assert.Equal(runs[0].Id, c.RunId));

        var again = await pipeline.RunAsync(TwoDays);
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Contains("Backfill day 2025-08-02: 0 window(s) to do, 24 skipped", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, WindowCommitted().Count(again.Stderr));

        var forced = await pipeline.RunAsync("backfill", "--since", "2025-08-01", "--until", "2025-08-02", "--force");
        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.Stderr);
        Assert.Contains("Backfill day 2025-08-01: 24 window(s) to do, 0 skipped (already committed), 24 committed before and redone (--force)", forced.Stderr, StringComparison.Ordinal);
        Assert.Equal(24, WindowCommitted().Count(forced.Stderr));
        var forcedRun = (await pipeline.RunsAsync())[0].Id;
        Assert.Equal(Enumerable.Repeat(forcedRun, 24), (await CommittedAsync(pipeline)).Take(24).Select(c => c.RunId));
        await pipeline.AssertParityAsync(windows);
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
    }

    [Fact(Timeout = 180_000)]
    public async Task Backfill_stopped_by_SIGTERM_is_cancelled_and_the_same_command_finishes_it()
    {
        var day = Pipeline.Hours("2025-08-01", "2025-08-02");
        string[] args = ["backfill", "--since", "2025-08-01", "--until", "2025-08-02"];
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(8, new DateOnly(2025, 7, 31), 3, 240));
        pipeline.Sim.Faults.FrameLatency = TimeSpan.FromMilliseconds(150);
        using (var first = pipeline.Start(args))
        {
            while (WindowCommitted().Count(first.Stderr) < 5)
            {
                Assert.DoesNotContain("Summary:", first.Stderr, StringComparison.Ordinal);
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            first.Signal(15);
            Assert.Equal(ExitCodes.Cancelled, await first.WaitAsync());
        }

        var stopped = (await pipeline.RunsAsync())[0];
        Assert.Equal(("error", "cancelled"), (stopped.Status, stopped.ErrorKind));
        var done = (await CommittedAsync(pipeline)).Count;
        Assert.Equal(done, stopped.WindowsDone);
        Assert.Equal(day[done - 1].Until, await pipeline.WatermarkAsync());

        pipeline.Sim.Faults.FrameLatency = TimeSpan.Zero;
        var resumed = await pipeline.RunAsync(args);
        Assert.True(resumed.ExitCode == ExitCodes.Ok, resumed.Stderr);
        Assert.Contains($"Backfill day 2025-08-01: {24 - done} window(s) to do, {done} skipped", resumed.Stderr, StringComparison.Ordinal);
        await pipeline.AssertParityAsync(day);
        Assert.Equal(day[^1].Until, await pipeline.WatermarkAsync());
    }

    [Fact]
    public async Task Windows_committed_with_another_step_count_as_committed_and_the_watermark_never_moves_back()
    {
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(6, new DateOnly(2025, 7, 31), 5, 96));
        var later = await pipeline.RunAsync("run", "--since", "2025-08-03", "--until", "2025-08-04", "--step-min", "1440");
        Assert.True(later.ExitCode == ExitCodes.Ok, later.Stderr);
        var halfHours = await pipeline.RunAsync("run", "--since", "2025-08-01T00:00:00+05:00", "--until", "2025-08-01T03:00:00+05:00", "--step-min", "30");
        Assert.True(halfHours.ExitCode == ExitCodes.Ok, halfHours.Stderr);
        var watermark = await pipeline.WatermarkAsync();
        Assert.Equal(Pipeline.Day("2025-08-04"), watermark);

        var dry = await pipeline.RunAsync("backfill", "--since", "2025-08-01", "--until", "2025-08-02", "--dry-run");
        Assert.True(dry.ExitCode == ExitCodes.Ok, dry.Stderr);
        Assert.Contains("Dry run: 21 window(s)", dry.Stdout, StringComparison.Ordinal);

        var backfill = await pipeline.RunAsync("backfill", "--since", "2025-08-01", "--until", "2025-08-02");
        Assert.True(backfill.ExitCode == ExitCodes.Ok, backfill.Stderr);
        Assert.Contains("Backfill day 2025-08-01: 21 window(s) to do, 3 skipped", backfill.Stderr, StringComparison.Ordinal);
        Assert.Equal(21, WindowCommitted().Count(backfill.Stderr));
        var hours = Pipeline.Hours("2025-08-01", "2025-08-02");
        await pipeline.AssertParityAsync(hours.Skip(3));
        foreach (var hour in hours.Take(3))
        {
            Assert.Equal(pipeline.Expected(hour).Count, await pipeline.CountAsync(hour)); // left as the half-hour windows loaded it
        }

        Assert.Equal(watermark, await pipeline.WatermarkAsync());
    }

    [Fact]
    public async Task Backfill_is_busy_while_another_run_holds_the_lock()
    {
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, []);
        await using (await RunLock.AcquireAsync(pipeline.Journal, TestContext.Current.CancellationToken))
        {
            var busy = await pipeline.RunAsync("backfill", "--since", "2025-08-01", "--until", "2025-08-02");
            Assert.True(busy.ExitCode == ExitCodes.Busy, busy.Stderr);
        }

        var usage = await pipeline.RunAsync("backfill", "--since", "2025-08-01");
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);
    }

    private static async Task<List<(DateTimeOffset Since, long RunId, DateTimeOffset CommittedAt)>> CommittedAsync(Pipeline pipeline)
    {
        await using var connection = new NpgsqlConnection(PostgresFixture.ToConnectionString(pipeline.PgDsn));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var query = new NpgsqlCommand(
            "SELECT window_since, run_id, committed_at FROM public.inc_processing_committed WHERE process_name = $1 ORDER BY window_since", connection);
        query.Parameters.AddWithValue(pipeline.ProcessName);
        await using var reader = await query.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(DateTimeOffset, long, DateTimeOffset)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return rows;
    }

    [GeneratedRegex(@"Window \[[^)]*\) committed:")]
    private static partial Regex WindowCommitted();
}
