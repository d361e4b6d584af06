using System.Globalization;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Monitoring;

/// <summary>
/// Real states for status/health/alert tests around the real clock: the ETL run (one STEP_MIN=1440 window)
/// over the last complete business day L, and rows for the days before L inserted straight into the target
/// table, as earlier loads would have left them.
/// </summary>
internal sealed class OpsState(Pipeline pipeline, ClickHouseFixture clickHouse, DateOnly lastDay) : IAsyncDisposable
{
    public const int RecentDays = 3;

    public Pipeline Pipeline { get; } = pipeline;

    /// <summary>The last complete business day (yesterday in Asia/Almaty).</summary>
    public DateOnly LastDay { get; } = lastDay;

    public static DateOnly Yesterday => BusinessTime.DayOf(DateTimeOffset.UtcNow, Pipeline.Almaty).AddDays(-1);

    /// <summary>A pipeline whose source holds <paramref name="rowsOnLastDay"/> rows per UTC day around L (0: none), with health thresholds for tests.</summary>
    public static async Task<OpsState> StartAsync(PostgresFixture postgres, ClickHouseFixture clickHouse, int rowsOnLastDay = 300)
    {
        var last = Yesterday;
        var rows = rowsOnLastDay == 0 ? [] : SyntheticData.Generate(11, last.AddDays(-1), 3, rowsOnLastDay);
        var pipeline = await Pipeline.StartAsync(postgres, clickHouse, rows);
        pipeline.Env["HEALTH_RECENT_DAYS"] = RecentDays.ToString(CultureInfo.InvariantCulture);
        pipeline.Env["HEALTH_MAX_LAG_MIN"] = "1500"; // the watermark at today's business midnight is at most 24 h behind
        pipeline.Env["HEALTH_MIN_DAY_ROWS_PCT"] = "50";
        pipeline.Env["LOG_LEVEL"] = "information";
        return new OpsState(pipeline, clickHouse, last);
    }

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public Window Day(DateOnly day) => new(BusinessTime.StartOfDay(day, Pipeline.Almaty), BusinessTime.StartOfDay(day.AddDays(1), Pipeline.Almaty));

    /// <summary><c>etl run</c> over business day <paramref name="day"/> as one window; asserts it succeeded.</summary>
    public async Task RunDayAsync(DateOnly day)
    {
        var run = await TryRunDayAsync(day);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
    }

    /// <summary>Inserts <paramref name="rows"/> rows with ts inside business day <paramref name="day"/> straight into the target table.</summary>
    public Task InsertRowsAsync(DateOnly day, long rows)
    {
        var ts = Day(day).Since.AddHours(1).ToUnixTimeSeconds();
        return clickHouse.QueryAsync(
            $"INSERT INTO {Pipeline.Table} (c, t, opd, ts) SELECT concat('direct-{Iso(day)}-', toString(number)), 1, toDateTime({ts - 60}), toDateTime({ts}) " +
            $"FROM system.numbers LIMIT {rows}");
    }

    /// <summary>Inserts <paramref name="rows"/> rows for each of the <see cref="RecentDays"/> days before L.</summary>
    public async Task InsertRecentDaysAsync(long rows)
    {
        for (var i = 1; i <= RecentDays; i++)
        {
            await InsertRowsAsync(LastDay.AddDays(-i), rows);
        }
    }

    /// <summary>Points PQS_URL at a closed port (no retries): the next run fails with a Phoenix error.</summary>
    public void BreakPhoenix()
    {
        Pipeline.Env["PQS_URL"] = $"http://127.0.0.1:{FreePort.Get()}/";
        Pipeline.Env["PQS_RETRIES"] = "0";
    }

    /// <summary><c>etl run</c> over business day <paramref name="day"/> as one window, whatever its outcome.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> TryRunDayAsync(DateOnly day) =>
        Pipeline.RunAsync("run", "--since", Iso(day), "--until", Iso(day.AddDays(1)), "--step-min", "1440");

    public long ExpectedOnLastDay => Pipeline.Expected(Day(LastDay)).Count;

    public ValueTask DisposeAsync() => Pipeline.DisposeAsync();
}
