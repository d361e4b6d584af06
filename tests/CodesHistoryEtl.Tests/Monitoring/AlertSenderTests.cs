using System.Net;
using System.Text.Json;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Monitoring;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Monitoring;

public sealed class AlertSenderTests
{
    private const string Token = "123456:SECRET-bot-token";

    private static readonly Alert Failed = new(Alert.Critical, "codes_history_increment", "RUN_FAILED", "Window [..) failed: ClickHouse code 241",
        new Dictionary<string, string> { ["run_id"] = "r-1", ["window"] = "2025-08-01T10:00Z" });

    private static AlertSettings Settings(Uri? telegram, Uri? webhook, int timeoutSec = 10) =>
        new(telegram is null ? null : Token, telegram is null ? null : "-100200", telegram ?? new Uri("https://api.telegram.org"), webhook, timeoutSec);

    [Fact]
    public async Task Delivers_to_telegram_and_webhook_with_the_alert_fields()
    {
        await using var telegram = new HttpReceiver();
        await using var webhook = new HttpReceiver();
        using var sender = new AlertSender(Settings(telegram.Url, webhook.Url));

        Assert.Equal(2, await sender.SendAsync(Failed, TestContext.Current.CancellationToken));

        var (path, body) = Assert.Single(telegram.Requests);
        Assert.Equal($"/bot{Token}/sendMessage", path);
        using var tg = JsonDocument.Parse(body);
        Assert.Equal("-100200", tg.RootElement.GetProperty("chat_id").GetString());
        Assert.Contains("RUN_FAILED", tg.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);

        using var hook = JsonDocument.Parse(Assert.Single(webhook.Requests).Body);
        Assert.Equal("critical", hook.RootElement.GetProperty("severity").GetString());
        Assert.Equal("RUN_FAILED", hook.RootElement.GetProperty("code").GetString());
        Assert.Equal("codes_history_increment", hook.RootElement.GetProperty("job").GetString());
        Assert.Equal("r-1", hook.RootElement.GetProperty("context").GetProperty("run_id").GetString());
        Assert.DoesNotContain(Token, Assert.Single(webhook.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_receiver_is_reported_as_not_delivered_and_does_not_throw()
    {
        await using var broken = new HttpReceiver(HttpStatusCode.InternalServerError);
        await using var webhook = new HttpReceiver();
        using var sender = new AlertSender(Settings(broken.Url, webhook.Url));
        Assert.Equal(1, await sender.SendAsync(Failed, TestContext.Current.CancellationToken));
        Assert.Single(webhook.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_hanging_receiver_is_abandoned_after_the_timeout()
    {
        await using var hanging = new HttpReceiver(hang: true);
        using var sender = new AlertSender(Settings(null, hanging.Url, timeoutSec: 1));
        Assert.Equal(0, await sender.SendAsync(Failed, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unreachable_receiver_does_not_throw()
    {
        int port;
        await using (var closed = new HttpReceiver())
        {
            port = closed.Url.Port;
        }

        using var sender = new AlertSender(Settings(null, new Uri($"http://127.0.0.1:{port}/hook")));
        Assert.Equal(0, await sender.SendAsync(Failed, TestContext.Current.CancellationToken));
    }
}
