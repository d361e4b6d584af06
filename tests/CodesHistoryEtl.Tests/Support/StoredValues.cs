using System.Globalization;
using System.Text.Json;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// Reads rows back from ClickHouse as JSONEachRow and compares them with the export rows that were
/// written, column by column over <see cref="Columns.Target"/>. Both sides are turned into one canonical
/// text per value, so a row can be compared alone or a window compared as a multiset of rows.
/// </summary>
public static class StoredValues
{
    private static readonly string TargetColumnList = string.Join(", ", Columns.Target.Select(c => c.Name));

    /// <summary>DDL columns of <see cref="Columns.Target"/> with DateTime pinned to UTC, for scratch tables.</summary>
    public static string TargetColumnsDdl() => string.Join(", ",
        Columns.Target.Select(c => $"{c.Name} {c.ClickHouseType.Replace("DateTime", "DateTime('UTC')", StringComparison.Ordinal)}"));

    public static Task<List<JsonElement>> ReadAsync(ClickHouseFixture clickHouse, string table, string orderBy) =>
        ReadWhereAsync(clickHouse, table, "1", orderBy);

    public static async Task<List<JsonElement>> ReadWhereAsync(ClickHouseFixture clickHouse, string table, string where, string orderBy)
    {
        var body = await clickHouse.QueryAsync($"SELECT {TargetColumnList} FROM {table} WHERE {where} ORDER BY {orderBy} FORMAT JSONEachRow");
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
    }

    /// <summary>Asserts that <paramref name="stored"/> holds exactly the values of <paramref name="expected"/>.</summary>
    public static void AssertEqual(ExportRow expected, JsonElement stored)
    {
        foreach (var column in Columns.Target)
        {
            var want = Canonical(expected.Get(column), column);
            var got = Canonical(stored.GetProperty(column.Name), column);
            Assert.True(want == got, $"column {column.Name} of row c={expected.SourceValue("c")}: expected {want}, got {got}");
        }
    }

    /// <summary>One canonical line for a whole row, the same for an export row and for its stored copy.</summary>
    public static string Canonical(ExportRow row) => string.Join(" | ", Columns.Target.Select(c => Canonical(row.Get(c), c)));

    public static string Canonical(JsonElement stored) => string.Join(" | ", Columns.Target.Select(c => Canonical(stored.GetProperty(c.Name), c)));

    private static string Canonical(FieldValue value, Column column)
    {
        if (value.IsNull)
        {
            return "NULL";
        }

        return column.Kind switch
        {
            ColumnKind.String => JsonSerializer.Serialize(value.Text),
            ColumnKind.StringArray => JsonSerializer.Serialize(value.Array.Select(e => e ?? "")),
            ColumnKind.DateTime => DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(value.Number / 1000.0))
                .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            _ => value.Number.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Canonical(JsonElement stored, Column column)
    {
        if (stored.ValueKind == JsonValueKind.Null)
        {
            return "NULL";
        }

        return column.Kind switch
        {
            ColumnKind.String => JsonSerializer.Serialize(stored.GetString()),
            ColumnKind.StringArray => JsonSerializer.Serialize(stored.EnumerateArray().Select(e => e.GetString())),
            // ClickHouse 18.16 prints DateTime 0 as 0000-00-00 00:00:00
            ColumnKind.DateTime => stored.GetString() == "0000-00-00 00:00:00" ? "1970-01-01 00:00:00" : stored.GetString()!,
            _ => stored.ValueKind == JsonValueKind.String
                ? long.Parse(stored.GetString()!, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                : stored.GetInt64().ToString(CultureInfo.InvariantCulture),
        };
    }
}
