namespace CodesHistoryEtl.Journal;

/// <summary>
/// How a run ended, as stored in the journal. Statuses are only those the issue lists (planned, running,
/// ok, error, skipped): a cancelled run is <c>error</c> with <c>details.error_kind = 'cancelled'</c>.
/// </summary>
public sealed record RunOutcome
{
    private RunOutcome(string status, string? errorKind, string? errorMessage)
    {
        Status = status;
        ErrorKind = errorKind;
        ErrorMessage = errorMessage;
    }

    public string Status { get; }

    public string? ErrorKind { get; }

    public string? ErrorMessage { get; }

    public static RunOutcome Ok { get; } = new("ok", null, null);

    /// <summary>Stopped by SIGINT/SIGTERM at a safe point.</summary>
    public static RunOutcome Cancelled { get; } = new("error", "cancelled", "stopped by a signal at a safe point");

    /// <summary>Nothing to do (e.g. no window is due yet); the reason goes into details.error_message.</summary>
    public static RunOutcome Skipped(string reason) => new("skipped", null, reason);

    /// <param name="kind">A short stable classifier such as <c>phoenix</c>, <c>clickhouse</c>, <c>rejects</c>, <c>heartbeat_lost</c>.</param>
    /// <param name="message">Scrubbed of the PostgreSQL password before it is stored.</param>
    public static RunOutcome Failed(string kind, string message) => new("error", kind, message);
}
