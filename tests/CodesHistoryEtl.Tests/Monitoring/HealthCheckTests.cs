using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Monitoring;

namespace CodesHistoryEtl.Tests.Monitoring;

public sealed class HealthCheckTests
{
    private static readonly TimeZoneInfo Almaty = TimeZoneInfo.FindSystemTimeZoneById("Asia/Almaty");
    private static readonly DateTimeOffset Now = new(2025, 8, 10, 6, 0, 0, TimeSpan.Zero); // 11:00 Almaty, Aug 10
    private static readonly JournalSettings Journal = new(PostgresDsn.Parse("PG_DSN", "postgresql://u:p@h/d"),
        SqlIdentifier.Parse("JOURNAL_TABLE", "public.inc_processing"), "p", 30, 15, HeartbeatTtlMin: 5, MaxRunHours: 6);

    private static readonly HealthCheck Check = new(new HealthSettings(MaxLagMin: 180, RecentDays: 7, MinDayRowsRatio: 0.5), Journal, Almaty);

    private static RunRow Run(long id, string status, DateTimeOffset started, DateTimeOffset? ended = null, DateTimeOffset? heartbeat = null, string? kind = null) =>
        new(id, status, started, ended, null, null, 1, 10, 10, 0, heartbeat, "host", "1", kind, kind is null ? null : "boom");

    private static Dictionary<DateOnly, long> Days(params long[] counts) =>
        counts.Select((n, i) => (Day: new DateOnly(2025, 8, 9).AddDays(-i), n)).ToDictionary(x => x.Day, x => x.n);

    private static IReadOnlyList<string> Codes(DateTimeOffset? watermark, IReadOnlyList<RunRow> runs, Dictionary<DateOnly, long> days) =>
        Check.Evaluate(new StatusReport("p", Now, watermark, runs, Almaty), days).Select(p => p.Code).ToList();

    [Fact]
    public void Healthy_when_recent_watermark_ok_run_and_normal_day()
    {
        Assert.Empty(Codes(Now.AddMinutes(-70), [Run(2, "ok", Now.AddHours(-1), Now.AddMinutes(-55))], Days(1000, 900, 1100, 1000)));
    }

    [Fact]
    public void Last_complete_business_day_is_yesterday_in_business_time()
    {
        Assert.Equal((new DateOnly(2025, 8, 2), new DateOnly(2025, 8, 9)), Check.DaysToCount(Now));
    }

    [Fact]
    public void Lagging_watermark_and_missing_watermark_are_stale()
    {
        Assert.Equal(["STALE_WATERMARK"], Codes(Now.AddHours(-4), [], Days(1000, 1000)));
        Assert.Equal(["STALE_WATERMARK"], Codes(null, [], Days(1000, 1000)));
    }

    [Fact]
    public void Failed_last_run_is_reported_but_a_cancelled_one_is_not()
    {
        Assert.Equal(["RUN_FAILED"], Codes(Now.AddMinutes(-30), [Run(3, "error", Now.AddHours(-1), Now, kind: "clickhouse"), Run(2, "ok", Now.AddHours(-2), Now)], Days(5, 5)));
        Assert.Empty(Codes(Now.AddMinutes(-30), [Run(3, "error", Now.AddHours(-1), Now, kind: "cancelled")], Days(5, 5)));
    }

    [Fact]
    public void Failed_run_that_delivered_its_own_alert_is_marked_so()
    {
        var failed = Run(3, "error", Now.AddHours(-1), Now, kind: "clickhouse");
        Assert.False(Problem(failed).AlertedByRun);
        var alerted = Problem(failed with { Alerted = "RUN_FAILED" });
        Assert.True(alerted.AlertedByRun);
        Assert.Equal("RUN_FAILED: the last run 3 failed (clickhouse): boom (alerted by the run)", alerted.ToString());
    }

    [Theory]
    [InlineData("clickhouse", "RUN_FAILED", true)] // the run failed on ClickHouse and said so: the same outage
    [InlineData("clickhouse", null, false)] // the run's alert did not get through
    [InlineData("phoenix", "RUN_FAILED", false)] // another cause: ClickHouse going down is news
    public void ClickHouse_unreachable_counts_as_alerted_only_after_a_run_that_alerted_its_own_ClickHouse_failure(string kind, string? alerted, bool expected)
    {
        var failed = Run(3, "error", Now.AddHours(-1), Now, kind: kind) with { Alerted = alerted };
        var status = new StatusReport("p", Now, Now.AddMinutes(-30), [failed], Almaty);

        Assert.Equal(expected, HealthCheck.ClickHouseUnreachable(status, "down").AlertedByRun);
        Assert.False(HealthCheck.ClickHouseUnreachable(null, "down").AlertedByRun); // the journal unreadable: nothing known
    }

    private static HealthProblem Problem(RunRow run) =>
        Assert.Single(Check.RunProblems(new StatusReport("p", Now, Now.AddMinutes(-30), [run], Almaty)));

    [Fact]
    public void Run_with_dead_heartbeat_or_too_long_is_stuck()
    {
        Assert.Equal(["STUCK_RUN"], Codes(Now.AddMinutes(-30), [Run(4, "running", Now.AddMinutes(-20), heartbeat: Now.AddMinutes(-6))], Days(5, 5)));
        Assert.Equal(["STUCK_RUN"], Codes(Now.AddMinutes(-30), [Run(4, "running", Now.AddHours(-7), heartbeat: Now.AddSeconds(-5))], Days(5, 5)));
        Assert.Empty(Codes(Now.AddMinutes(-30), [Run(4, "running", Now.AddMinutes(-20), heartbeat: Now.AddSeconds(-5))], Days(5, 5)));
    }

    [Fact]
    public void Zero_rows_and_far_fewer_rows_than_recent_days_are_reported()
    {
        Assert.Equal(["ZERO_ROWS"], Codes(Now.AddMinutes(-30), [], Days(0, 1000, 1000)));
        Assert.Equal(["LOW_ROWS"], Codes(Now.AddMinutes(-30), [], Days(400, 1000, 900, 1100)));
        Assert.Empty(Codes(Now.AddMinutes(-30), [], Days(600, 1000, 900, 1100)));
    }

    [Fact]
    public void Holes_in_the_committed_windows_are_checked_before_what_the_next_scheduled_run_rereads_and_not_while_a_run_is_alive()
    {
        var watermark = Now.AddMinutes(-30); // 10:30 Almaty
        var idle = new StatusReport("p", Now, watermark, [Run(2, "ok", Now.AddHours(-1), Now)], Almaty);
        Assert.Equal(watermark.AddMinutes(-120), HealthCheck.CommittedUntil(idle, Windows(step: 30, lookback: 120), Journal));
        // the next run starts at 08:00, the hourly window that holds 10:30 - 100 min
        Assert.Equal(watermark.AddMinutes(-150), HealthCheck.CommittedUntil(idle, Windows(step: 60, lookback: 100), Journal));
        Assert.Null(HealthCheck.CommittedUntil(new StatusReport("p", Now, null, [], Almaty), Windows(60, 0), Journal));

        // a live run (even one past MAX_RUN_HOURS) has the window it replaces reopened; a run with no heartbeat is dead (killed)
        Assert.Null(HealthCheck.CommittedUntil(Running(heartbeat: Now), Windows(60, 0), Journal));
        Assert.Null(HealthCheck.CommittedUntil(Running(heartbeat: Now.AddSeconds(-5), started: Now.AddHours(-7)), Windows(60, 0), Journal));
        Assert.Equal(watermark, HealthCheck.CommittedUntil(Running(heartbeat: Now.AddMinutes(-6)), Windows(30, 0), Journal));
        Assert.Equal(watermark, HealthCheck.CommittedUntil(Running(heartbeat: null, started: Now.AddMinutes(-6)), Windows(30, 0), Journal));

        StatusReport Running(DateTimeOffset? heartbeat, DateTimeOffset? started = null) =>
            new("p", Now, watermark, [Run(3, "running", started ?? Now.AddMinutes(-1), heartbeat: heartbeat)], Almaty);
    }

    private static WindowSettings Windows(int step, int lookback) => new(step, Almaty, 10, lookback, 48, null, 0, 30);

    [Fact]
    public void Holes_in_the_committed_windows_are_one_problem_listing_them_in_business_time_with_the_backfill_that_redoes_them()
    {
        var day = new DateTimeOffset(2025, 8, 1, 19, 0, 0, TimeSpan.Zero); // 2025-08-02 00:00 Almaty
        Assert.Null(Check.Uncommitted([]));

        var problem = Check.Uncommitted([new(day.AddHours(5), day.AddHours(6)), new(day.AddHours(23), day.AddHours(24))])!;

        Assert.Equal("UNCOMMITTED_WINDOWS", problem.Code);
        Assert.Contains("2 range(s) before the watermark are not committed (business time 2025-08-02 05:00..06:00, 2025-08-02 23:00..24:00)", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("etl backfill --since 2025-08-02 --until 2025-08-03", problem.Message, StringComparison.Ordinal);
        Assert.False(problem.AlertedByRun);

        var many = Check.Uncommitted(Enumerable.Range(0, 7).Select(i => new Window(day.AddDays(i), day.AddDays(i).AddHours(1))).ToList())!;
        Assert.Contains("2025-08-06 00:00..01:00 and 2 more)", many.Message, StringComparison.Ordinal);
        Assert.EndsWith("--since 2025-08-02 --until 2025-08-09", many.Message, StringComparison.Ordinal);
    }
}
