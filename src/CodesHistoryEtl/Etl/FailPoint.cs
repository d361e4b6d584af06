using System.Diagnostics;
using System.Globalization;
using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// For the fault tests only (ETL_FAILPOINT=point[:n]): when a window reaches the named point for the n-th
/// time in this process (default 1) the process SIGKILLs itself, so a test observes a real <c>kill -9</c> at
/// an exact place. Points, in <see cref="WindowRunner"/>, <see cref="StreamedWindow"/> and the ClickHouse sink:
/// <c>fetch</c> a source row was read, before it is written anywhere;
/// <c>csv</c> a row was written to the window's temporary CSV (the temporary file exists, partly written);
/// <c>insert</c> a row was handed to the streaming ClickHouse insert;
/// <c>replace-delete</c> a window's insert committed and rows of earlier runs are in its range, before they are deleted;
/// <c>after-csv-rename</c> a window's CSV was renamed into place (ClickHouse committed), before the watermark moves.
/// Unset (<see cref="None"/>), reaching a point is one comparison.
/// </summary>
public sealed class FailPoint
{
    public static readonly IReadOnlyList<string> Points = ["fetch", "csv", "insert", "replace-delete", "after-csv-rename"];

    public static readonly FailPoint None = new(null, 0);

    private readonly string? _point;
    private long _remaining;

    private FailPoint(string? point, long hit)
    {
        _point = point;
        _remaining = hit;
    }

    public bool IsArmed => _point is not null;

    /// <summary>Parses <c>point[:n]</c>; null or empty is <see cref="None"/>.</summary>
    /// <exception cref="ConfigException">Unknown point or n not a positive integer.</exception>
    public static FailPoint Parse(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return None;
        }

        var parts = value.Split(':', 2);
        var point = parts[0].Trim();
        long hit = 1;
        if (!Points.Contains(point, StringComparer.Ordinal)
            || (parts.Length == 2 && (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out hit) || hit < 1)))
        {
            throw ConfigException.Invalid(name, value, $"point[:n] with point one of {string.Join(", ", Points)} and n >= 1 (for fault tests only)");
        }

        return new FailPoint(point, hit);
    }

    /// <summary>Kills this process with SIGKILL if <paramref name="point"/> is armed and this is its n-th hit.</summary>
    public void Reach(string point)
    {
        if (_point is null || !string.Equals(_point, point, StringComparison.Ordinal) || Interlocked.Decrement(ref _remaining) != 0)
        {
            return;
        }

        Log.Fatal("ETL_FAILPOINT {Point} reached: killing this process with SIGKILL", point);
        Log.CloseAndFlush();
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }
}
