using System.Buffers;
using System.Text.Json;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// Raises an alert: logs it, sends it (Telegram and/or webhook) and records it in <c>meta.etl_alerts</c>.
/// Every step is bounded and swallows its own failure: alerting never fails or hides the run's result.
/// </summary>
public static class AlertDelivery
{
    /// <summary>Returns whether every configured channel accepted the alert (true when none is configured: the log is the channel).</summary>
    public static async Task<bool> DeliverAsync(EtlSettings settings, Alert alert, CancellationToken ct)
    {
        Log.Warning("Alert {Code} ({Severity}): {Message}", alert.Code, alert.Severity, alert.Message);
        bool accepted;
        using (var sender = new AlertSender(settings.Alerts))
        {
            accepted = await sender.SendAsync(alert, ct) == sender.Channels;
        }

        await RecordAsync(settings.ClickHouse, alert, ct);
        return accepted;
    }

    private static async Task RecordAsync(ClickHouseSettings clickHouse, Alert alert, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            using var client = new ClickHouseClient(clickHouse);
            var rows = new ArrayBufferWriter<byte>();
            RowBinary.WriteDateTime(rows, alert.Ts.ToUnixTimeSeconds(), "ts");
            RowBinary.WriteString(rows, alert.Severity);
            RowBinary.WriteString(rows, alert.Job);
            RowBinary.WriteString(rows, alert.Code);
            RowBinary.WriteString(rows, alert.Message);
            RowBinary.WriteString(rows, JsonSerializer.Serialize(alert.Context, MonitoringJson.Default.IReadOnlyDictionaryStringString));
            await client.InsertAsync("record alert",
                $"INSERT INTO {MigrationContext.DefaultMetaDatabase}.etl_alerts (ts, severity, job, code, message, context_json) FORMAT RowBinary",
                rows.WrittenMemory, timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.Warning("Could not record alert {Code} in {Database}.etl_alerts: {Error}", alert.Code, MigrationContext.DefaultMetaDatabase,
                e is ClickHouseException ch ? ch.Message : e.GetType().Name);
        }
    }
}
