using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// Delivers an alert to Telegram and/or the webhook, each within ALERT_TIMEOUT_SEC. A failed or slow
/// receiver is logged (without the bot token, which lives in the URL path) and never throws: an alert
/// must not fail or hide the run's own result.
/// </summary>
public sealed class AlertSender(AlertSettings settings, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);

    /// <summary>How many channels are configured (Telegram, the webhook): 0, 1 or 2.</summary>
    public int Channels => (settings.TelegramEnabled ? 1 : 0) + (settings.WebhookUrl is null ? 0 : 1);

    /// <summary>Sends to every configured channel; returns how many accepted it.</summary>
    public async Task<int> SendAsync(Alert alert, CancellationToken ct)
    {
        var delivered = 0;
        if (settings.TelegramEnabled)
        {
            var url = new Uri($"{settings.TelegramApi.AbsoluteUri.TrimEnd('/')}/bot{settings.TelegramToken}/sendMessage");
            var body = new TelegramMessage(settings.TelegramChatId, TelegramText(alert), DisableWebPagePreview: true);
            delivered += await PostAsync("Telegram", url, body, MonitoringJson.Default.TelegramMessage, ct) ? 1 : 0;
        }

        if (settings.WebhookUrl is { } webhook)
        {
            var body = new WebhookAlert(alert.Ts.ToString("O"), alert.Severity, alert.Job, alert.Code, alert.Message, alert.Context);
            delivered += await PostAsync("webhook", webhook, body, MonitoringJson.Default.WebhookAlert, ct) ? 1 : 0;
        }

        return delivered;
    }

    public void Dispose() => _http.Dispose();

    private async Task<bool> PostAsync<T>(string channel, Uri url, T body, JsonTypeInfo<T> json, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSec));
        try
        {
            using var response = await _http.PostAsJsonAsync(url, body, json, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            Log.Warning("Alert to {Channel} was refused: HTTP {Status}", channel, (int)response.StatusCode);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Log.Warning("Alert to {Channel} timed out after {Seconds} s", channel, settings.TimeoutSec);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // the message can hold the URL, and Telegram's URL holds the token: log only the error kind
            Log.Warning("Alert to {Channel} failed: {Error}", channel, e is HttpRequestException http ? http.HttpRequestError.ToString() : e.GetType().Name);
        }

        return false;
    }

    private static string TelegramText(Alert alert)
    {
        var lines = new List<string> { $"[{alert.Severity.ToUpperInvariant()}] {alert.Job}: {alert.Code}", alert.Message };
        lines.AddRange(alert.Context.Select(kv => $"{kv.Key}: {kv.Value}"));
        return string.Join('\n', lines);
    }
}
