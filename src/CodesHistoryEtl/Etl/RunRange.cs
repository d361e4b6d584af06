using CodesHistoryEtl.Config;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Where a run starts and ends: the explicit <c>--since/--until</c>, or (for the timer) from the
/// watermark minus LOOKBACK_MIN, else INITIAL_SINCE, to now minus SAFETY_LAG_MIN, rounded down to the grid.
/// </summary>
public static class RunRange
{
    /// <summary>The windows of an explicit range. Bounds off the grid are a usage error naming the bound.</summary>
    public static IReadOnlyList<Window> Explicit(WindowPlanner planner, DateTimeOffset since, DateTimeOffset until)
    {
        if (until <= since)
        {
            throw new ArgumentException($"--until ({until:O}) must be after --since ({since:O})");
        }

        RequireAligned(planner, "--since", since);
        RequireAligned(planner, "--until", until);
        return planner.Plan(since, until);
    }

    /// <summary>The windows of a scheduled run; empty when the watermark is already at the target.</summary>
    public static IReadOnlyList<Window> FromWatermark(WindowPlanner planner, DateTimeOffset? watermark, DateTimeOffset? initialSince,
        DateTimeOffset now, TimeSpan safetyLag, TimeSpan lookback, int maxWindows)
    {
        var from = watermark is { } w
            ? ScheduledStart(planner, w, lookback)
            : planner.FloorToGrid(initialSince ?? throw new ConfigException(
                "There is no watermark yet and INITIAL_SINCE is not set: set INITIAL_SINCE (e.g. INITIAL_SINCE=2025-08-01) " +
                "or run once with --since/--until"));
        var to = planner.FloorToGrid(now - safetyLag);
        return from < to ? planner.Plan(from, to, maxWindows) : [];
    }

    /// <summary>Where a scheduled run starts from <paramref name="watermark"/>: <paramref name="lookback"/> before it, down to the grid.</summary>
    public static DateTimeOffset ScheduledStart(WindowPlanner planner, DateTimeOffset watermark, TimeSpan lookback) =>
        planner.FloorToGrid(watermark - lookback);

    /// <summary>
    /// Where the next scheduled run (STEP_MIN, LOOKBACK_MIN of <paramref name="window"/>) starts: what lies before it is
    /// read again only by an explicit range or a backfill.
    /// </summary>
    public static DateTimeOffset NextScheduledStart(WindowSettings window, DateTimeOffset watermark) =>
        ScheduledStart(new WindowPlanner(TimeSpan.FromMinutes(window.StepMin), window.BusinessTz), watermark, TimeSpan.FromMinutes(window.LookbackMin));

    private static void RequireAligned(WindowPlanner planner, string name, DateTimeOffset bound)
    {
        if (!planner.IsAligned(bound))
        {
            var floor = planner.FloorToGrid(bound);
            throw new ArgumentException(
                $"{name} {bound:O} is not on the {planner.Step.TotalMinutes:0}-minute window grid of {planner.BusinessTz.Id}; " +
                $"use {BusinessTime.ToBusiness(floor, planner.BusinessTz):yyyy-MM-ddTHH:mm:sszzz} or " +
                $"{BusinessTime.ToBusiness(floor + planner.Step, planner.BusinessTz):yyyy-MM-ddTHH:mm:sszzz}");
        }
    }
}
