namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// Something an operator must hear about. <see cref="Code"/> is stable for routing
/// (RUN_FAILED, ZERO_ROWS, LOW_ROWS, STALE_WATERMARK, STUCK_RUN, REJECTS); the context holds no secret.
/// </summary>
public sealed record Alert(string Severity, string Job, string Code, string Message, IReadOnlyDictionary<string, string> Context)
{
    public const string Critical = "critical";
    public const string Warning = "warning";

    public DateTimeOffset Ts { get; init; } = DateTimeOffset.UtcNow;
}
