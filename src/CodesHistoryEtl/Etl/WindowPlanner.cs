namespace CodesHistoryEtl.Etl;

/// <summary>
/// Cuts a time range into half-open windows of STEP_MIN minutes on a grid that starts at each business
/// midnight (so with STEP_MIN=60, windows are the business hours). STEP_MIN must divide a day.
/// </summary>
public sealed class WindowPlanner(TimeSpan step, TimeZoneInfo businessTz)
{
    public TimeSpan Step { get; } = step;

    public TimeZoneInfo BusinessTz { get; } = businessTz;

    /// <summary>True when <paramref name="instant"/> is a grid point (a possible window bound).</summary>
    public bool IsAligned(DateTimeOffset instant) => FloorToGrid(instant) == instant;

    /// <summary>The latest grid point at or before <paramref name="instant"/>.</summary>
    public DateTimeOffset FloorToGrid(DateTimeOffset instant)
    {
        var dayStart = BusinessTime.StartOfDay(BusinessTime.DayOf(instant, BusinessTz), BusinessTz);
        var steps = (instant - dayStart).Ticks / Step.Ticks;
        return dayStart + TimeSpan.FromTicks(steps * Step.Ticks);
    }

    /// <summary>The windows covering <c>[since, until)</c>; both bounds must be grid points.</summary>
    public IReadOnlyList<Window> Plan(DateTimeOffset since, DateTimeOffset until, int maxWindows = int.MaxValue)
    {
        var windows = new List<Window>();
        for (var start = since; start < until && windows.Count < maxWindows;)
        {
            var end = NextGridPoint(start);
            if (end > until)
            {
                end = until;
            }

            windows.Add(new Window(start.ToUniversalTime(), end.ToUniversalTime()));
            start = end;
        }

        return windows;
    }

    private DateTimeOffset NextGridPoint(DateTimeOffset gridPoint)
    {
        // A day whose length is not a multiple of the step (a DST change) ends its last window at midnight.
        var nextDay = BusinessTime.StartOfDay(BusinessTime.DayOf(gridPoint, BusinessTz).AddDays(1), BusinessTz);
        var next = gridPoint + Step;
        return next < nextDay ? next : nextDay;
    }
}
