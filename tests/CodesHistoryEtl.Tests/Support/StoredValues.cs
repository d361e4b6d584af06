using System.Globalization;
using System.Text.Json;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// Reads rows back from ClickHouse as JSONEachRow and compares them with the export rows that were
/// written, column by column over <see cref="Columns.Target"/>. Used by every round-trip test.
/// </summary>
public static class StoredValues
{
    /// <summary>DDL columns of <see cref="Columns.Target"/> with DateTime pinned to UTC, for scratch tables.</summary>
    public static string TargetColumnsDdl() => string.Join(", ",
        Columns.Target.Select(c => $"{c.Name} {c.ClickHouseType.Replace("DateTime", "DateTime('UTC')", StringComparison.Ordinal)}"));

    public static async Task<List<JsonElement>> ReadAsync(ClickHouseFixture clickHouse, string table, string orderBy)
    {
        var columns = string.Join(", ", Columns.Target.Select(c => c.Name));
        var body = await clickHouse.QueryAsync($"SELECT {columns} FROM {table} ORDER BY {orderBy} FORMAT JSONEachRow");
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
    }

    /// <summary>Asserts that <paramref name="stored"/> holds exactly the values of <paramref name="expected"/>.</summary>
    public static void AssertEqual(ExportRow expected, JsonElement stored)
    {
        foreach (var column in Columns.Target)
        {
            var value = expected.Get(column);
            var actual = stored.GetProperty(column.Name);
            var context = $"column {column.Name} of row c={expected.Source[Columns.COrdinal]}";
            if (value.IsNull)
            {
                Assert.True(actual.ValueKind == JsonValueKind.Null, $"{context}: expected NULL, got {actual}");
                continue;
            }

            switch (column.Kind)
            {
                case ColumnKind.String:
                    Assert.True(value.Text == actual.GetString(), $"{context}: expected '{value.Text}', got {actual}");
                    break;
                case ColumnKind.StringArray:
                    Assert.Equal(value.Array.Select(e => e ?? ""), actual.EnumerateArray().Select(e => e.GetString()));
                    break;
                case ColumnKind.DateTime:
                    var seconds = Math.Floor(value.Number / 1000.0);
                    var text = DateTimeOffset.FromUnixTimeSeconds((long)seconds).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                    // ClickHouse 18.16 prints DateTime 0 as 0000-00-00 00:00:00
                    Assert.True(text == actual.GetString() || (seconds == 0 && actual.GetString() == "0000-00-00 00:00:00"),
                        $"{context}: expected {text}, got {actual}");
                    break;
                default:
                    var number = actual.ValueKind == JsonValueKind.String ? long.Parse(actual.GetString()!, CultureInfo.InvariantCulture) : actual.GetInt64();
                    Assert.True(value.Number == number, $"{context}: expected {value.Number}, got {actual}");
                    break;
            }
        }
    }
}
