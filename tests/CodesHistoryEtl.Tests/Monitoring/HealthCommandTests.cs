using System.Text.Json;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Monitoring;

/// <summary><c>etl health</c> through the real exe on real journal and ClickHouse states: output lines and exit codes.</summary>
public sealed class HealthCommandTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task Healthy_state_exits_0_with_a_summary_and_json()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await state.RunDayAsync(state.LastDay);
        await state.InsertRecentDaysAsync(state.ExpectedOnLastDay);

        var text = await state.Pipeline.RunAsync("health");
        Assert.True(text.ExitCode == ExitCodes.Ok, text.Stdout + text.Stderr);
        Assert.StartsWith("healthy: ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{OpsState.Iso(state.LastDay)} has {state.ExpectedOnLastDay} rows", text.Stdout, StringComparison.Ordinal);

        var json = await state.Pipeline.RunAsync("health", "--json");
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.True(doc.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(state.ExpectedOnLastDay, doc.RootElement.GetProperty("last_day_rows").GetInt64());
        Assert.Equal(0, doc.RootElement.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Lagging_watermark_is_one_stale_line_and_exit_2()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await state.RunDayAsync(state.LastDay.AddDays(-2)); // no run since: the watermark is at least 48 h behind
        await state.InsertRowsAsync(state.LastDay, 100);
        await state.InsertRecentDaysAsync(100);

        var health = await state.Pipeline.RunAsync("health");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        var line = Assert.Single(Lines(health.Stdout));
        Assert.StartsWith("STALE_WATERMARK: the watermark ", line, StringComparison.Ordinal);
        Assert.Contains("limit HEALTH_MAX_LAG_MIN=1500", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_last_run_is_reported_with_its_error_kind()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await state.RunDayAsync(state.LastDay);
        await state.InsertRecentDaysAsync(state.ExpectedOnLastDay);
        state.BreakPhoenix();
        var failed = await state.TryRunDayAsync(state.LastDay.AddDays(1)); // today: a failed rerun of L would empty L (the replace deletes first)
        Assert.Equal(ExitCodes.Failed, failed.ExitCode);

        var health = await state.Pipeline.RunAsync("health");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        var runs = await state.Pipeline.RunsAsync();
        // no receiver is configured: the run's alert went to its log, which counts as delivered
        Assert.Equal($"RUN_FAILED: the last run {runs[0].Id} failed (phoenix): {runs[0].ErrorMessage} (alerted by the run)", Assert.Single(Lines(health.Stdout)));
    }

    [Fact]
    public async Task Run_with_a_dead_heartbeat_is_stuck_and_status_shows_it()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await state.RunDayAsync(state.LastDay);
        await state.InsertRecentDaysAsync(state.ExpectedOnLastDay);
        var stuck = await InsertCrashedRunAsync(state.Pipeline);

        var health = await state.Pipeline.RunAsync("health");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        var line = Assert.Single(Lines(health.Stdout));
        Assert.StartsWith($"STUCK_RUN: run {stuck} has not written a heartbeat for 1", line, StringComparison.Ordinal);
        Assert.EndsWith("min (limit HEARTBEAT_TTL_MIN=5)", line, StringComparison.Ordinal);

        var text = await state.Pipeline.RunAsync("status");
        Assert.Equal(ExitCodes.Ok, text.ExitCode);
        Assert.Contains($"Current:   run {stuck} running since ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("heartbeat 1", text.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse((await state.Pipeline.RunAsync("status", "--json")).Stdout);
        var current = json.RootElement.GetProperty("current");
        Assert.Equal(stuck, current.GetProperty("run").GetInt64());
        Assert.InRange(current.GetProperty("heartbeat_age_seconds").GetDouble(), 15 * 60 - 5, 20 * 60);
    }

    [Fact]
    public async Task Last_business_day_with_zero_rows_is_reported_in_text_and_json()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse, rowsOnLastDay: 0);
        await state.RunDayAsync(state.LastDay);
        await state.InsertRecentDaysAsync(200);

        var health = await state.Pipeline.RunAsync("health");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        Assert.Equal($"ZERO_ROWS: the last complete business day {OpsState.Iso(state.LastDay)} has no rows in ClickHouse", Assert.Single(Lines(health.Stdout)));

        var json = await state.Pipeline.RunAsync("health", "--json");
        Assert.Equal(ExitCodes.Unhealthy, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.False(doc.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(0, doc.RootElement.GetProperty("last_day_rows").GetInt64());
        Assert.Equal("ZERO_ROWS", Assert.Single(doc.RootElement.GetProperty("problems").EnumerateArray()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Far_fewer_rows_than_recent_days_is_low()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await state.RunDayAsync(state.LastDay);
        await state.InsertRecentDaysAsync(state.ExpectedOnLastDay * 10);

        var health = await state.Pipeline.RunAsync("health");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        Assert.Equal($"LOW_ROWS: the last complete business day {OpsState.Iso(state.LastDay)} has {state.ExpectedOnLastDay} rows, " +
                     $"below 50 % of the median {state.ExpectedOnLastDay * 10} of the 3 days before it", Assert.Single(Lines(health.Stdout)));
    }

    [Fact]
    public async Task Unreachable_journal_and_clickhouse_are_unhealthy_lines_not_a_crash()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        state.Pipeline.Env["PG_DSN"] = $"postgresql://etl:etl_pg_secret@127.0.0.1:{FreePort.Get()}/etl";
        state.Pipeline.Env["CH_URL"] = $"http://127.0.0.1:{FreePort.Get()}/";

        var health = await state.Pipeline.RunAsync("health");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        var lines = Lines(health.Stdout);
        Assert.Equal(["JOURNAL_UNREACHABLE", "CLICKHOUSE_UNREACHABLE"], lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
        Assert.DoesNotContain("etl_pg_secret", health.Stdout + health.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", health.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A 'running' row as a process killed 15 minutes after its last heartbeat leaves it (its lock session gone).</summary>
    internal static async Task<long> InsertCrashedRunAsync(Pipeline pipeline)
    {
        await using var connection = new NpgsqlConnection(PostgresFixture.ToConnectionString(pipeline.PgDsn));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO public.inc_processing (process_name, status, ts_start, details)
            VALUES ($1, 'running', now() - interval '20 minutes',
                    jsonb_build_object('heartbeat_ts', now() - interval '15 minutes', 'host', 'crashed-host', 'pid', 4242, 'lock_backend_pid', 1))
            RETURNING id
            """, connection);
        insert.Parameters.AddWithValue(pipeline.ProcessName);
        return (long)(await insert.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    internal static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
