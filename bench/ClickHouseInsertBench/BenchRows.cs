using System.Globalization;
using System.Text;
using CodesHistoryEtl.Etl;

namespace ClickHouseInsertBench;

/// <summary>Deterministic, realistic rows of one window, and the same rows as ClickHouse CSV.</summary>
public static class BenchRows
{
    public static IEnumerable<ExportRow> Generate(int count, DateTimeOffset since, DateTimeOffset until)
    {
        var random = new Random(42);
        var span = (until - since).TotalMilliseconds;
        for (var i = 0; i < count; i++)
        {
            var values = new FieldValue[Columns.Source.Length];
            foreach (var column in Columns.Source)
            {
                values[column.SourceOrdinal] = column.Nullable && random.Next(4) == 0 ? FieldValue.Null : column.Kind switch
                {
                    ColumnKind.String => FieldValue.FromText(column.Name + random.Next(1_000_000).ToString("D12", CultureInfo.InvariantCulture)),
                    ColumnKind.StringArray => FieldValue.FromArray(["010460" + random.Next(100_000), "010460" + random.Next(100_000)]),
                    ColumnKind.DateTime => FieldValue.FromNumber(since.ToUnixTimeMilliseconds() + (long)(random.NextDouble() * span)),
                    ColumnKind.Int64 => FieldValue.FromNumber(random.NextInt64()),
                    ColumnKind.UInt16 => FieldValue.FromNumber(random.Next(65536)),
                    _ => FieldValue.FromNumber(random.Next(256)),
                };
            }

            values[Columns.COrdinal] = FieldValue.FromText("0104600" + random.Next().ToString("D10", CultureInfo.InvariantCulture) + "21" + i.ToString("X8", CultureInfo.InvariantCulture));
            yield return new ExportRow(new SourceRow(values), FieldValue.FromText(Guid.NewGuid().ToString("N")), until.ToUnixTimeMilliseconds(), 0);
        }
    }

    /// <summary>Writes the rows as CSV for <c>INSERT ... (Columns.Target, etl_job, load_id) FORMAT CSV</c>.</summary>
    public static async Task WriteCsvAsync(string path, IEnumerable<ExportRow> rows, string job, Guid loadId, CancellationToken ct)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear();
            foreach (var column in Columns.Target)
            {
                line.Append(Csv(column, row.Get(column))).Append(',');
            }

            line.Append(job).Append(',').Append(loadId).Append('\n');
            await writer.WriteAsync(line, ct);
        }
    }

    private static string Csv(Column column, FieldValue value) => value.IsNull && column.Kind != ColumnKind.StringArray
        ? "\\N"
        : column.Kind switch
        {
            ColumnKind.String => "\"" + value.Text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
            ColumnKind.StringArray => "\"[" + string.Join(',', (value.IsNull ? [] : value.Array).Select(e => "'" + e + "'")) + "]\"",
            ColumnKind.DateTime => DateTimeOffset.FromUnixTimeMilliseconds(value.Number).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            _ => value.Number.ToString(CultureInfo.InvariantCulture),
        };
}
