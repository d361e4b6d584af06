using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.Etl;

public sealed class WindowPlannerTests
{
    private static readonly TimeZoneInfo Almaty = TimeZoneInfo.FindSystemTimeZoneById("Asia/Almaty");
    private static readonly WindowPlanner Hourly = new(TimeSpan.FromMinutes(60), Almaty);

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Business_day_is_24_hourly_windows_from_almaty_midnight()
    {
        var day = BusinessTime.TryParseInstant("2025-08-01", Almaty)!.Value;
        Assert.Equal(At("2025-07-31T19:00:00Z"), day);
        var windows = RunRange.Explicit(Hourly, day, day.AddDays(1));
        Assert.Equal(24, windows.Count);
        Assert.Equal(new Window(At("2025-07-31T19:00:00Z"), At("2025-07-31T20:00:00Z")), windows[0]);
        Assert.Equal(At("2025-08-01T19:00:00Z"), windows[^1].Until);
        Assert.All(windows.Zip(windows.Skip(1)), pair => Assert.Equal(pair.First.Until, pair.Second.Since));
    }

    [Fact]
    public void Off_grid_bound_is_rejected_with_the_nearest_grid_points()
    {
        var e = Assert.Throws<ArgumentException>(() => RunRange.Explicit(Hourly, At("2025-08-01T10:17:00+05:00"), At("2025-08-01T12:00:00+05:00")));
        Assert.Contains("--since", e.Message, StringComparison.Ordinal);
        Assert.Contains("2025-08-01T10:00:00+05:00", e.Message, StringComparison.Ordinal);
        Assert.Contains("2025-08-01T11:00:00+05:00", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Until_not_after_since_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => RunRange.Explicit(Hourly, At("2025-08-01T10:00:00Z"), At("2025-08-01T10:00:00Z")));
        Assert.Contains("--until", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduled_run_goes_from_watermark_minus_lookback_to_now_minus_lag_on_the_grid()
    {
        var windows = RunRange.FromWatermark(Hourly, At("2025-08-01T05:00:00Z"), initialSince: null,
            now: At("2025-08-01T09:07:00Z"), safetyLag: TimeSpan.FromMinutes(10), lookback: TimeSpan.FromMinutes(60), maxWindows: 100);
        Assert.Equal(At("2025-08-01T04:00:00Z"), windows[0].Since);
        Assert.Equal(At("2025-08-01T08:00:00Z"), windows[^1].Until);
        Assert.Equal(4, windows.Count);
    }

    [Fact]
    public void Scheduled_run_catches_up_at_most_max_windows()
    {
        var windows = RunRange.FromWatermark(Hourly, At("2025-08-01T00:00:00Z"), null, At("2025-08-05T00:00:00Z"),
            TimeSpan.Zero, TimeSpan.Zero, maxWindows: 5);
        Assert.Equal(5, windows.Count);
        Assert.Equal(At("2025-08-01T05:00:00Z"), windows[^1].Until);
    }

    [Fact]
    public void Scheduled_run_that_is_up_to_date_plans_nothing()
    {
        Assert.Empty(RunRange.FromWatermark(Hourly, At("2025-08-01T09:00:00Z"), null, At("2025-08-01T09:30:00Z"),
            TimeSpan.FromMinutes(10), TimeSpan.Zero, 10));
    }

    [Fact]
    public void No_watermark_and_no_initial_since_is_a_config_error_naming_INITIAL_SINCE()
    {
        var e = Assert.Throws<ConfigException>(() => RunRange.FromWatermark(Hourly, null, null, DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.Zero, 1));
        Assert.Contains("INITIAL_SINCE", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-08-01T00:00:00+05:00", "2025-07-31T19:00:00Z")]
    [InlineData("2025-08-01T11:00:00Z", "2025-08-01T11:00:00Z")]
    [InlineData("2025-08-01 11:00:00Z", "2025-08-01T11:00:00Z")]
    [InlineData("2025-08-01T11:00:00.000+00:00", "2025-08-01T11:00:00Z")]
    public void Instants_parse_with_offset_or_as_business_dates(string text, string expectedUtc) =>
        Assert.Equal(At(expectedUtc), BusinessTime.TryParseInstant(text, Almaty));

    [Theory]
    [InlineData("2025-08-01T11:00:00")]
    [InlineData("01.08.2025")]
    [InlineData("2025-13-01")]
    [InlineData("yesterday")]
    public void Instants_without_offset_or_malformed_do_not_parse(string text) =>
        Assert.Null(BusinessTime.TryParseInstant(text, Almaty));

    [Fact]
    public void Step_that_does_not_divide_a_day_is_a_config_error()
    {
        var e = Assert.Throws<ConfigException>(() => EtlSettings.Load(new Dictionary<string, string> { ["STEP_MIN"] = "7" }));
        Assert.Contains("STEP_MIN", e.Message, StringComparison.Ordinal);
    }
}
