using System.Globalization;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>A ClickHouse server version such as 18.16.1 or 24.3.1.2672, compared by major and minor.</summary>
public sealed record ServerVersion(int Major, int Minor, string Text)
{
    /// <summary>CODEC and TTL clauses (and the other "modern" DDL the migrations mark) need at least this.</summary>
    public static readonly ServerVersion Modern = new(20, 1, "20.1");

    public bool IsAtLeast(ServerVersion other) => Major > other.Major || (Major == other.Major && Minor >= other.Minor);

    public static ServerVersion Parse(string text)
    {
        var trimmed = text.Trim();
        var parts = trimmed.Split('.');
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? new ServerVersion(major, minor, trimmed)
            : throw new FormatException($"ClickHouse answered version() with '{trimmed}', not a version such as 18.16.1");
    }

    public override string ToString() => Text;
}
