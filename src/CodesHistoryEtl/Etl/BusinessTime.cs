using System.Globalization;

namespace CodesHistoryEtl.Etl;

/// <summary>Instants as users type them: ISO 8601 with an offset or Z, or a bare date meaning that business day's start.</summary>
public static class BusinessTime
{
    public const string Example = "2025-08-01T00:00:00+05:00, 2025-08-01T19:00:00Z or 2025-08-01";

    private static readonly string[] OffsetFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Parses <paramref name="text"/>; null when it is neither an instant with an offset nor a bare date.</summary>
    public static DateTimeOffset? TryParseInstant(string text, TimeZoneInfo businessTz)
    {
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return StartOfDay(day, businessTz);
        }

        // An offset is required: a bare local time would silently depend on the machine's zone.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && (text[^6] == '+' || text[^6] == '-'));
        if (hasOffset && DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var instant))
        {
            return instant.ToUniversalTime();
        }

        return null;
    }

    /// <summary>The UTC instant at which <paramref name="day"/> starts in <paramref name="businessTz"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo businessTz)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, businessTz.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The business day that contains <paramref name="instant"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo businessTz) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, businessTz).DateTime);

    /// <summary>
    /// <c>[since, until)</c> in business time, for people: <c>2025-08-01 05:00..06:00</c>, the end's date only when it
    /// differs, a whole day as <c>2025-08-01 00:00..24:00</c>.
    /// </summary>
    public static string Range(DateTimeOffset since, DateTimeOffset until, TimeZoneInfo businessTz)
    {
        var (from, to) = (Minute(since, businessTz), Minute(until, businessTz));
        var endsAtNextMidnight = to[11..] == "00:00" && to[..10] == Minute(since.AddDays(1), businessTz)[..10];
        return to[..10] == from[..10] ? $"{from}..{to[11..]}" : endsAtNextMidnight ? $"{from}..24:00" : $"{from}..{to}";
    }

    /// <summary>The first <paramref name="listed"/> windows as <see cref="Range"/>s, then how many more: <c>2025-08-01 05:00..06:00, ... and 3 more</c>.</summary>
    public static string Ranges(IReadOnlyList<Window> windows, TimeZoneInfo businessTz, int listed = 5) =>
        string.Join(", ", windows.Take(listed).Select(w => Range(w.Since, w.Until, businessTz))) +
        (windows.Count > listed ? $" and {windows.Count - listed} more" : "");

    /// <summary>The instant in business time to the minute: <c>2025-08-01 05:00</c>.</summary>
    public static string Minute(DateTimeOffset instant, TimeZoneInfo businessTz) =>
        TimeZoneInfo.ConvertTime(instant, businessTz).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The instant in business time, for logs and file names.</summary>
    public static DateTimeOffset ToBusiness(DateTimeOffset instant, TimeZoneInfo businessTz) =>
        TimeZoneInfo.ConvertTime(instant, businessTz);
}
