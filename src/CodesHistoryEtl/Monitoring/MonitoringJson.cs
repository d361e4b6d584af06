using System.Text.Json.Serialization;

namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// The JSON that <c>etl status --json</c>, <c>etl health --json</c> and the alert channels print or send, as
/// named shapes with snake_case names, serialized by generated code (the published binary is native AOT: no
/// reflection at run time).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(HealthJson))]
[JsonSerializable(typeof(TelegramMessage))]
[JsonSerializable(typeof(WebhookAlert))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class MonitoringJson : JsonSerializerContext;

internal sealed record StatusJson(string Process, DateTimeOffset Now, DateTimeOffset? Watermark, double? LagMinutes, CurrentRunJson? Current,
    WindowJson[] Uncommitted, RunJson[] Runs);

internal sealed record CurrentRunJson(long Run, string Status, DateTimeOffset Started, DateTimeOffset? Heartbeat, double? HeartbeatAgeSeconds);

internal sealed record WindowJson(DateTimeOffset Since, DateTimeOffset Until);

internal sealed record RunJson(long Run, string Status, DateTimeOffset Started, DateTimeOffset? Ended, DateTimeOffset? WindowSince,
    DateTimeOffset? WindowUntil, int WindowsDone, long RowsRead, long RowsWritten, long RowsRejected, string? ErrorKind, string? ErrorMessage);

internal sealed record HealthJson(bool Healthy, string? Process, DateTimeOffset? Now, DateTimeOffset? Watermark, double? LagMinutes,
    string LastCompleteDay, long? LastDayRows, ProblemJson[] Problems);

internal sealed record ProblemJson(string Code, string Message, bool AlertedByRun);

internal sealed record TelegramMessage(string? ChatId, string Text, bool DisableWebPagePreview);

internal sealed record WebhookAlert(string Ts, string Severity, string Job, string Code, string Message, IReadOnlyDictionary<string, string> Context);
