using System.Globalization;
using System.Text.Json;
using CodesHistoryEtl.Etl;

namespace PhoenixSim;

/// <summary>
/// Exact rows for tests, one JSON object per line, keyed by source column name; a missing key or <c>null</c>
/// is SQL NULL. Text: a string. TINYINT/SMALLINT/BIGINT: a number (any int64: the file may hold values the
/// real types cannot, for reject tests). TIMESTAMP: epoch ms or an ISO 8601 instant. ARRAY: a list of strings
/// and nulls. <c>{"repeat": "ab", "count": 100000}</c> stands for a long text (or, in an array column, that
/// many elements). A lone surrogate escape (<c>"\ud800"</c>) is kept in the row, but no UTF-8 wire can carry it:
/// the simulator sends U+FFFD in its place (a Java server sends '?'). Blank lines and lines starting with <c>//</c> are ignored. NULL is allowed anywhere,
/// including the key columns c, t and opd, so broken sources can be expressed.
/// </summary>
public static class FixtureFile
{
    public static IReadOnlyList<SourceRow> Read(string path) => Parse(File.ReadAllText(path), path);

    public static IReadOnlyList<SourceRow> Parse(string text, string source = "fixture")
    {
        var rows = new List<SourceRow>();
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var values = new FieldValue[Columns.Source.Length];
            System.Array.Fill(values, FieldValue.Null);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var column = Columns.Source.FirstOrDefault(c => c.Name == property.Name)
                    ?? throw new FormatException($"{source}:{n + 1}: unknown column '{property.Name}'");
                values[column.SourceOrdinal] = Value(property.Value, column.Kind, $"{source}:{n + 1}: column {column.Name}");
            }

            rows.Add(new SourceRow(values));
        }

        return rows;
    }

    private static FieldValue Value(JsonElement json, ColumnKind kind, string where) => (json.ValueKind, kind) switch
    {
        (JsonValueKind.Null, _) => FieldValue.Null,
        (JsonValueKind.String, ColumnKind.String) => FieldValue.FromText(JsonText.Read(json)),
        (JsonValueKind.Object, ColumnKind.String) => FieldValue.FromText(Repeat(json, where)),
        (JsonValueKind.Number, ColumnKind.UInt8 or ColumnKind.UInt16 or ColumnKind.Int64 or ColumnKind.DateTime) => FieldValue.FromNumber(json.GetInt64()),
        (JsonValueKind.String, ColumnKind.DateTime) => FieldValue.FromNumber(
            DateTimeOffset.Parse(json.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds()),
        (JsonValueKind.Array, ColumnKind.StringArray) => FieldValue.FromArray(json.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Null ? null : JsonText.Read(e)).ToArray()),
        (JsonValueKind.Object, ColumnKind.StringArray) => FieldValue.FromArray(
            Enumerable.Repeat<string?>(json.GetProperty("repeat").GetString(), json.GetProperty("count").GetInt32()).ToArray()),
        _ => throw new FormatException($"{where}: a JSON {json.ValueKind} does not fit a {kind} column"),
    };

    private static string Repeat(JsonElement json, string where)
    {
        var unit = json.TryGetProperty("repeat", out var r) ? r.GetString() : throw new FormatException($"{where}: expected {{\"repeat\": ..., \"count\": ...}}");
        return string.Concat(Enumerable.Repeat(unit, json.GetProperty("count").GetInt32()));
    }
}
