using System.Globalization;
using System.Text;
using System.Text.Json;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;

namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// What <c>etl status</c> shows: the watermark and its lag, the active run with its heartbeat age, the holes in the
/// committed windows (<see cref="HealthCheck.CommittedUntil"/>), the last runs.
/// </summary>
public sealed record StatusReport(string ProcessName, DateTimeOffset Now, DateTimeOffset? Watermark, IReadOnlyList<RunRow> Runs, TimeZoneInfo BusinessTz)
{
    public TimeSpan? Lag => Watermark is { } w ? Now - w : null;

    /// <summary><see cref="Lag"/> in minutes to one decimal, as the JSON reports give it.</summary>
    public double? LagMinutes => Lag is { } lag ? Math.Round(lag.TotalMinutes, 1) : null;

    /// <summary>Ranges before where the next scheduled run starts that no committed window covers (health's UNCOMMITTED_WINDOWS).</summary>
    public IReadOnlyList<Window> Uncommitted { get; init; } = [];

    public RunRow? Active => Runs.FirstOrDefault(r => r.IsActive);

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Process:   {ProcessName}");
        text.AppendLine(Watermark is { } w
            ? $"Watermark: {Business(w)} ({w.UtcDateTime:yyyy-MM-dd HH:mm} UTC), {Age(Lag!.Value)} behind now"
            : "Watermark: none yet (the first scheduled run starts at INITIAL_SINCE)");
        text.AppendLine(Active is { } a
            ? $"Current:   run {a.Id} {a.Status} since {Business(a.Started)} on {a.Host} pid {a.Pid}, heartbeat " +
              $"{(a.Heartbeat is { } h ? Age(Now - h) + " ago" : "never")}, {a.WindowsDone} windows, {a.RowsRead} rows read"
            : "Current:   no run in progress");
        if (Uncommitted.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Holes:     {Uncommitted.Count} range(s) before the watermark not committed (business time {BusinessTime.Ranges(Uncommitted, BusinessTz)}); `etl health` gives the backfill that redoes them");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"run",6}  {"status",-8} {"started",-17} {"took",9}  {"windows (business time)",-35} {"win",4} {"read",10} {"written",10} {"rejected",8}  error");
        foreach (var run in Runs)
        {
            var took = run.Ended is { } end ? Age(end - run.Started) : "-";
            var span = run.WindowSince is { } s && run.WindowUntil is { } u ? Span(s, u) : "-";
            var error = run.ErrorKind is null ? "" : $"{run.ErrorKind}: {Shorten(run.ErrorMessage)}";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{run.Id,6}  {run.Status,-8} {Business(run.Started),-17} {took,9}  {span,-35} {run.WindowsDone,4} {run.RowsRead,10} {run.RowsWritten,10} {run.RowsRejected,8}  {error}");
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new StatusJson(
        ProcessName, Now, Watermark, LagMinutes,
        Active is { } a
            ? new CurrentRunJson(a.Id, a.Status, a.Started, a.Heartbeat, a.Heartbeat is { } h ? Math.Round((Now - h).TotalSeconds) : null)
            : null,
        [.. Uncommitted.Select(w => new WindowJson(w.Since, w.Until))],
        [.. Runs.Select(r => new RunJson(r.Id, r.Status, r.Started, r.Ended, r.WindowSince, r.WindowUntil, r.WindowsDone, r.RowsRead,
            r.RowsWritten, r.RowsRejected, r.ErrorKind, r.ErrorMessage))]), MonitoringJson.Default.StatusJson);

    private string Span(DateTimeOffset since, DateTimeOffset until) => BusinessTime.Range(since, until, BusinessTz);

    private string Business(DateTimeOffset instant) => BusinessTime.Minute(instant, BusinessTz);

    private static string Age(TimeSpan span) => span.TotalDays >= 1
        ? $"{(int)span.TotalDays}d {span.Hours}h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds}s" : $"{(int)span.TotalSeconds}s";

    private static string Shorten(string? message) => message is { Length: > 80 } ? message[..77] + "..." : message ?? "";
}
