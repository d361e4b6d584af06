using System.Globalization;
using System.Net;
using System.Text.Json;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Monitoring;

/// <summary>Alerts from the real exe (<c>etl health --alert</c>, a failed <c>etl run</c>) to local receivers and to meta.etl_alerts.</summary>
public sealed class AlertEndToEndTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private const string Token = "424242:bot-SECRET-token";

    [Fact]
    public async Task Health_alert_reaches_the_webhook_telegram_and_meta_etl_alerts_without_the_token()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse, rowsOnLastDay: 0);
        await state.RunDayAsync(state.LastDay);
        await state.InsertRecentDaysAsync(200);
        await using var webhook = new HttpReceiver();
        await using var telegram = new HttpReceiver();
        Route(state.Pipeline, webhook, telegram);

        var health = await state.Pipeline.RunAsync("health", "--alert");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);

        using var hook = JsonDocument.Parse(Assert.Single(webhook.Requests).Body);
        Assert.Equal("ZERO_ROWS", hook.RootElement.GetProperty("code").GetString());
        Assert.Equal("critical", hook.RootElement.GetProperty("severity").GetString());
        Assert.Equal(state.Pipeline.ProcessName, hook.RootElement.GetProperty("job").GetString());
        Assert.Contains(OpsState.Iso(state.LastDay), hook.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(OpsState.Iso(state.LastDay), hook.RootElement.GetProperty("context").GetProperty("last_complete_day").GetString());
        Assert.True(DateTimeOffset.TryParse(hook.RootElement.GetProperty("ts").GetString(), CultureInfo.InvariantCulture, out _));

        var (path, body) = Assert.Single(telegram.Requests);
        Assert.Equal($"/bot{Token}/sendMessage", path);
        using var tg = JsonDocument.Parse(body);
        Assert.Equal("-100777", tg.RootElement.GetProperty("chat_id").GetString());
        Assert.Contains($"{state.Pipeline.ProcessName}: ZERO_ROWS", tg.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, health.Stdout + health.Stderr, StringComparison.Ordinal);

        Assert.Equal("ZERO_ROWS\tcritical", (await AlertsAsync(state.Pipeline)).Trim());
    }

    [Fact]
    public async Task A_failed_run_alerts_with_its_run_id_and_json_log_lines_carry_it()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await using var webhook = new HttpReceiver();
        await using var telegram = new HttpReceiver();
        Route(state.Pipeline, webhook, telegram);
        state.BreakPhoenix();
        state.Pipeline.Env["LOG_FORMAT"] = "json";

        var run = await state.TryRunDayAsync(state.LastDay);
        Assert.Equal(ExitCodes.Failed, run.ExitCode);

        using var hook = JsonDocument.Parse(Assert.Single(webhook.Requests).Body);
        Assert.Equal("RUN_FAILED", hook.RootElement.GetProperty("code").GetString());
        Assert.Equal("phoenix", hook.RootElement.GetProperty("context").GetProperty("error_kind").GetString());
        var runId = hook.RootElement.GetProperty("context").GetProperty("run_id").GetString()!;
        Assert.Single(telegram.Requests);
        Assert.DoesNotContain(Token, run.Stderr, StringComparison.Ordinal);
        Assert.Equal("RUN_FAILED\tcritical", (await AlertsAsync(state.Pipeline)).Trim());

        var lines = HealthCommandTests.Lines(run.Stderr).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.All(lines, l => Assert.True(l.RootElement.TryGetProperty("RenderedMessage", out _)));
        var ofTheRun = lines.Where(l => l.RootElement.GetProperty("Properties").TryGetProperty("Run", out _)).ToList();
        Assert.Contains(ofTheRun, l => l.RootElement.GetProperty("Level").GetString() == "Error");
        Assert.Contains(ofTheRun, l => l.RootElement.GetProperty("Properties").TryGetProperty("Code", out var code) && code.GetString() == "RUN_FAILED");
        Assert.All(ofTheRun, l => Assert.Equal($"run {runId[..8]} ", l.RootElement.GetProperty("Properties").GetProperty("Run").GetString()));
        lines.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task Health_alert_after_a_failed_run_repeats_RUN_FAILED_only_when_the_run_could_not_deliver_it()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await using var webhook = new HttpReceiver();
        state.Pipeline.Env["ALERT_WEBHOOK_URL"] = webhook.Url + "hook";
        state.BreakPhoenix();

        Assert.Equal(ExitCodes.Failed, (await state.TryRunDayAsync(state.LastDay)).ExitCode);
        var hook = await state.Pipeline.RunAsync("health", "--alert");

        // what the OnFailure= hook runs: the problem is still reported, its alert is not sent twice
        Assert.Equal(ExitCodes.Unhealthy, hook.ExitCode);
        var runs = await state.Pipeline.RunsAsync();
        Assert.Contains($"RUN_FAILED: the last run {runs[0].Id} failed (phoenix): {runs[0].ErrorMessage} (alerted by the run)",
            HealthCommandTests.Lines(hook.Stdout));
        Assert.Equal(["RUN_FAILED"], Codes(webhook).Where(c => c == "RUN_FAILED"));
        Assert.Contains("RUN_FAILED is not sent again: the failed run alerted it itself", hook.Stderr, StringComparison.Ordinal);

        // a run whose alert the receiver refused: the hook is the second chance
        await using var broken = new HttpReceiver(HttpStatusCode.ServiceUnavailable);
        state.Pipeline.Env["ALERT_WEBHOOK_URL"] = broken.Url + "hook";
        Assert.Equal(ExitCodes.Failed, (await state.TryRunDayAsync(state.LastDay)).ExitCode);
        Assert.Equal(["RUN_FAILED"], Codes(broken));
        state.Pipeline.Env["ALERT_WEBHOOK_URL"] = webhook.Url + "hook";

        var retry = await state.Pipeline.RunAsync("health", "--alert");

        Assert.Equal(ExitCodes.Unhealthy, retry.ExitCode);
        Assert.DoesNotContain("(alerted by the run)", retry.Stdout, StringComparison.Ordinal);
        Assert.Equal(["RUN_FAILED", "RUN_FAILED"], Codes(webhook).Where(c => c == "RUN_FAILED"));
    }

    [Fact]
    public async Task Health_alert_after_a_run_that_alerted_its_ClickHouse_failure_does_not_report_the_outage_again()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse);
        await using var webhook = new HttpReceiver();
        state.Pipeline.Env["ALERT_WEBHOOK_URL"] = webhook.Url + "hook";
        state.Pipeline.Env["CH_URL"] = $"http://127.0.0.1:{FreePort.Get()}/";

        Assert.Equal(ExitCodes.Failed, (await state.TryRunDayAsync(state.LastDay)).ExitCode);
        var hook = await state.Pipeline.RunAsync("health", "--alert");

        Assert.Equal(ExitCodes.Unhealthy, hook.ExitCode);
        // the run's own alert, and nothing more for the same outage (no watermark yet is a problem of its own)
        Assert.Equal(["RUN_FAILED", "STALE_WATERMARK"], Codes(webhook));
        var lines = HealthCommandTests.Lines(hook.Stdout);
        Assert.Contains(lines, l => l.StartsWith("RUN_FAILED: ", StringComparison.Ordinal) && l.Contains("failed (clickhouse)", StringComparison.Ordinal) && l.EndsWith("(alerted by the run)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("CLICKHOUSE_UNREACHABLE: ", StringComparison.Ordinal) && l.EndsWith("(alerted by the run)", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_hanging_receiver_is_abandoned_after_ALERT_TIMEOUT_SEC_and_the_commands_keep_their_exit_codes()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse, rowsOnLastDay: 0);
        await state.RunDayAsync(state.LastDay);
        await using var hanging = new HttpReceiver(hang: true);
        state.Pipeline.Env["ALERT_WEBHOOK_URL"] = hanging.Url + "hook";
        state.Pipeline.Env["ALERT_TIMEOUT_SEC"] = "1";

        var health = await state.Pipeline.RunAsync("health", "--alert");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        Assert.Contains("Alert to webhook timed out after 1 s", health.Stderr, StringComparison.Ordinal);

        state.BreakPhoenix();
        var run = await state.TryRunDayAsync(state.LastDay);
        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("Alert to webhook timed out after 1 s", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("RUN_FAILED\tcritical", await AlertsAsync(state.Pipeline), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_receiver_is_logged_and_the_alert_is_still_recorded()
    {
        await using var state = await OpsState.StartAsync(postgres, clickHouse, rowsOnLastDay: 0);
        await state.RunDayAsync(state.LastDay);
        await using var broken = new HttpReceiver(HttpStatusCode.InternalServerError);
        state.Pipeline.Env["ALERT_WEBHOOK_URL"] = broken.Url + "hook";

        var health = await state.Pipeline.RunAsync("health", "--alert");
        Assert.Equal(ExitCodes.Unhealthy, health.ExitCode);
        Assert.Single(broken.Requests);
        Assert.Contains("Alert to webhook was refused: HTTP 500", health.Stderr, StringComparison.Ordinal);
        Assert.Contains("ZERO_ROWS\tcritical", await AlertsAsync(state.Pipeline), StringComparison.Ordinal);
    }

    private static void Route(Pipeline pipeline, HttpReceiver webhook, HttpReceiver telegram)
    {
        pipeline.Env["ALERT_WEBHOOK_URL"] = webhook.Url + "hook";
        pipeline.Env["TG_API_URL"] = telegram.Url.ToString();
        pipeline.Env["TG_BOT_TOKEN"] = Token;
        pipeline.Env["TG_CHAT_ID"] = "-100777";
    }

    private static IReadOnlyList<string> Codes(HttpReceiver receiver) =>
        [.. receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("code").GetString()!)];

    private Task<string> AlertsAsync(Pipeline pipeline) =>
        clickHouse.QueryAsync($"SELECT code, severity FROM meta.etl_alerts WHERE job = '{pipeline.ProcessName}' ORDER BY ts, code FORMAT TabSeparated");
}
