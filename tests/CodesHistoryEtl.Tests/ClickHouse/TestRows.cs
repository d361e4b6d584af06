using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.ClickHouse;

/// <summary>Export rows for ClickHouse tests, and their expected TabSeparated form.</summary>
public static class TestRows
{
    /// <summary>A realistic row of the window whose upper bound is <paramref name="until"/>; opd = <paramref name="opdMillis"/>.</summary>
    public static ExportRow Make(string c, long opdMillis, DateTimeOffset until, Action<FieldValue[]>? tweak = null)
    {
        var values = new FieldValue[Columns.Source.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var column = Columns.Source[i];
            values[i] = column.Kind switch
            {
                ColumnKind.String => FieldValue.FromText(column.Name + "-" + c),
                ColumnKind.StringArray => FieldValue.FromArray(["x", "y"]),
                ColumnKind.DateTime => FieldValue.FromNumber(opdMillis),
                _ => FieldValue.FromNumber(i),
            };
        }

        values[Columns.COrdinal] = FieldValue.FromText(c);
        tweak?.Invoke(values);
        // not through the transform: these rows may carry values it would reject, to test the writers' own checks
        var row = new ExportRow();
        row.Set(WireRows.Of(new SourceRow(values)), MD5.HashData(Encoding.UTF8.GetBytes("id-" + c)), until.ToUnixTimeMilliseconds(), 0);
        return row;
    }

    public static void Set(FieldValue[] values, string column, FieldValue value) => values[Columns.SourceOrdinalOf(column)] = value;

    /// <summary>The SELECT list that reads Columns.Target back time-zone free (DateTime as epoch seconds).</summary>
    public static string SelectList { get; } = string.Join(", ", Columns.Target.Select(c => c.Kind == ColumnKind.DateTime ? $"toUnixTimestamp({c.Name})" : c.Name));

    /// <summary>The row as ClickHouse prints <see cref="SelectList"/> in TabSeparated.</summary>
    public static string ExpectedTsv(ExportRow row) =>
        string.Join('\t', Columns.Target.Select(c => Format(c, row.Get(c))));

    private static string Format(Column column, FieldValue value) => value.IsNull && column.Kind != ColumnKind.StringArray
        ? "\\N"
        : column.Kind switch
        {
            ColumnKind.String => Escape(value.Text),
            ColumnKind.StringArray => "[" + string.Join(',', (value.IsNull ? [] : value.Array).Select(e => "'" + Escape(e ?? "") + "'")) + "]",
            ColumnKind.DateTime => Math.Floor(value.Number / 1000.0).ToString(CultureInfo.InvariantCulture),
            _ => value.Number.ToString(CultureInfo.InvariantCulture),
        };

    private static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("'", "\\'", StringComparison.Ordinal);
}
