using System.Globalization;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;

namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// The rules of <c>etl health</c>, over a <see cref="StatusReport"/> and the row counts per business day:
/// a lagging watermark, a failed last run, a stuck run, holes in the committed windows, and a last complete
/// business day with zero rows or far fewer rows than the median of the days before it.
/// </summary>
public sealed class HealthCheck(HealthSettings health, JournalSettings journal, TimeZoneInfo businessTz)
{
    /// <summary>The days whose counts <see cref="Evaluate"/> needs: the last complete business day and the ones before it.</summary>
    public (DateOnly First, DateOnly Last) DaysToCount(DateTimeOffset now)
    {
        var last = BusinessTime.DayOf(now, businessTz).AddDays(-1);
        return (last.AddDays(-health.RecentDays), last);
    }

    public IReadOnlyList<HealthProblem> Evaluate(StatusReport status, IReadOnlyDictionary<DateOnly, long> rowsPerDay) =>
        [.. RunProblems(status), .. DayProblems(status.Now, rowsPerDay)];

    /// <summary>The journal's problems: a lagging or missing watermark, a failed last run, a stuck run.</summary>
    public IReadOnlyList<HealthProblem> RunProblems(StatusReport status)
    {
        var problems = new List<HealthProblem>();
        if (status.Lag is { } lag && lag > TimeSpan.FromMinutes(health.MaxLagMin))
        {
            problems.Add(new("STALE_WATERMARK", $"the watermark {status.Watermark:O} is {lag.TotalMinutes:0} min behind now (limit HEALTH_MAX_LAG_MIN={health.MaxLagMin})"));
        }
        else if (status.Watermark is null)
        {
            problems.Add(new("STALE_WATERMARK", "there is no watermark: no window has been committed yet"));
        }

        if (LastFailedRun(status) is { } failed)
        {
            problems.Add(new("RUN_FAILED", $"the last run {failed.Id} failed ({failed.ErrorKind}): {failed.ErrorMessage}", failed.Alerted is not null));
        }

        if (status.Active is { } active)
        {
            if (SilentFor(active, status.Now, journal) is { } silent)
            {
                problems.Add(new("STUCK_RUN", $"run {active.Id} has not written a heartbeat for {silent.TotalMinutes:0} min (limit HEARTBEAT_TTL_MIN={journal.HeartbeatTtlMin})"));
            }
            else if (status.Now - active.Started > TimeSpan.FromHours(journal.MaxRunHours))
            {
                problems.Add(new("STUCK_RUN", $"run {active.Id} has been running since {active.Started:O}, longer than MAX_RUN_HOURS={journal.MaxRunHours}"));
            }
        }

        return problems;
    }

    /// <summary>
    /// Up to where the committed windows must have no holes: before what the next scheduled run re-reads anyway
    /// (from LOOKBACK_MIN before the watermark, down to the window grid). Null before any watermark, and while a run is
    /// alive (the window it replaces is reopened); a run that stopped writing heartbeats is dead, not replacing anything.
    /// </summary>
    public static DateTimeOffset? CommittedUntil(StatusReport status, WindowSettings window, JournalSettings journal) =>
        (status.Active is null || SilentFor(status.Active, status.Now, journal) is not null) && status.Watermark is { } watermark
            ? RunRange.NextScheduledStart(window, watermark)
            : null;

    /// <summary>
    /// Holes in the committed windows before the watermark: a window a run began to replace and did not commit (it was
    /// killed, or failed and no later run redid it), whose rows ClickHouse may hold twice or in part. One problem
    /// listing them, with the <c>etl backfill</c> of their days that redoes them (and skips the days' committed windows).
    /// </summary>
    public HealthProblem? Uncommitted(IReadOnlyList<Window> gaps)
    {
        if (gaps.Count == 0)
        {
            return null;
        }

        var first = BusinessTime.DayOf(gaps[0].Since, businessTz);
        var last = BusinessTime.DayOf(gaps[^1].Until.AddTicks(-1), businessTz).AddDays(1);
        return new("UNCOMMITTED_WINDOWS",
            $"{gaps.Count} range(s) before the watermark are not committed (business time {BusinessTime.Ranges(gaps, businessTz)}): never loaded, or a run stopped " +
            $"while replacing them and ClickHouse may hold their rows twice or in part; redo them (committed windows are skipped): " +
            $"etl backfill --since {first:yyyy-MM-dd} --until {last:yyyy-MM-dd}");
    }

    /// <summary>How long <paramref name="active"/> has not written a heartbeat, when that is past HEARTBEAT_TTL_MIN (the run is dead); else null.</summary>
    private static TimeSpan? SilentFor(RunRow active, DateTimeOffset now, JournalSettings journal) =>
        now - (active.Heartbeat ?? active.Started) is var silent && silent > TimeSpan.FromMinutes(journal.HeartbeatTtlMin) ? silent : null;

    /// <summary>The last finished run when it failed (not cancelled); null when it succeeded or there is none.</summary>
    public static RunRow? LastFailedRun(StatusReport status) =>
        status.Runs.FirstOrDefault(r => !r.IsActive && r.Status != "skipped") is { Status: "error" } failed && failed.ErrorKind != "cancelled"
            ? failed
            : null;

    /// <summary>
    /// ClickHouse unreachable now. Counted as alerted when the last run failed on ClickHouse and delivered that
    /// alert itself: the same outage, which the OnFailure= hook must not report twice.
    /// </summary>
    public static HealthProblem ClickHouseUnreachable(StatusReport? status, string message) =>
        new("CLICKHOUSE_UNREACHABLE", message,
            status is not null && LastFailedRun(status) is { ErrorKind: "clickhouse", Alerted: not null });

    /// <summary>The last complete business day's problems: zero rows, or far fewer than the median of the days before it.</summary>
    public IEnumerable<HealthProblem> DayProblems(DateTimeOffset now, IReadOnlyDictionary<DateOnly, long> rowsPerDay)
    {
        var (first, last) = DaysToCount(now);
        var day = last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = rowsPerDay.GetValueOrDefault(last);
        if (rows == 0)
        {
            yield return new("ZERO_ROWS", $"the last complete business day {day} has no rows in ClickHouse");
            yield break;
        }

        var before = Enumerable.Range(0, health.RecentDays).Select(i => rowsPerDay.GetValueOrDefault(first.AddDays(i))).Where(n => n > 0).Order().ToList();
        if (before.Count == 0)
        {
            yield break;
        }

        var median = before[before.Count / 2];
        if (rows < median * health.MinDayRowsRatio)
        {
            yield return new("LOW_ROWS", $"the last complete business day {day} has {rows} rows, below {health.MinDayRowsRatio:P0} of the median {median} of the {before.Count} days before it");
        }
    }
}
