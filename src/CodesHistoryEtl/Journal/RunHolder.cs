using System.Globalization;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// Who holds a process name's run lock, from the journal's active row (run id, host, pid, start, heartbeat)
/// and from PostgreSQL's own view of the session holding the advisory lock (pg_locks + pg_stat_activity).
/// Either part may be missing: a run that has just taken the lock has no journal row yet.
/// </summary>
public sealed record RunHolder(
    long? RunId,
    string? Host,
    string? Pid,
    DateTimeOffset? Started,
    DateTimeOffset? Heartbeat,
    int? BackendPid,
    string? ClientAddress,
    DateTimeOffset? ConnectedSince,
    string? Application)
{
    public override string ToString()
    {
        var parts = new List<string>();
        if (RunId is not null)
        {
            parts.Add($"run {RunId} on host {Host ?? "?"} pid {Pid ?? "?"}, started {Format(Started)}, last heartbeat {Format(Heartbeat)}");
        }

        if (BackendPid is not null)
        {
            parts.Add($"PostgreSQL session {BackendPid} from {ClientAddress ?? "local socket"} ({Application}), connected since {Format(ConnectedSince)}");
        }

        return parts.Count == 0 ? "unknown (the lock was released while looking)" : string.Join("; ", parts);
    }

    private static string Format(DateTimeOffset? t) =>
        t?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "never";
}
