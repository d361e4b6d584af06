using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>Hand-made source rows with the awkward values: NULLs, arrays, unicode, bounds.</summary>
public static class SampleRows
{
    /// <summary>A valid row at <paramref name="opd"/> with every optional column NULL unless overridden.</summary>
    public static SourceRow Make(string c, int t, DateTimeOffset opd, params (string Column, FieldValue Value)[] overrides)
    {
        var values = new FieldValue[Columns.Source.Length];
        System.Array.Fill(values, FieldValue.Null);
        values[Columns.COrdinal] = FieldValue.FromText(c);
        values[Columns.TOrdinal] = FieldValue.FromNumber(t);
        values[Columns.TimeOrdinal] = FieldValue.FromNumber(opd.ToUnixTimeMilliseconds());
        foreach (var (column, value) in overrides)
        {
            values[Columns.SourceOrdinalOf(column)] = value;
        }

        return new SourceRow(values);
    }

    public static FieldValue Text(string s) => FieldValue.FromText(s);

    public static FieldValue Number(long n) => FieldValue.FromNumber(n);

    public static FieldValue Array(params string?[] elements) => FieldValue.FromArray(elements);

    /// <summary>Rows that exercise every value shape the writers must carry, all inside <paramref name="window"/>.</summary>
    public static IReadOnlyList<SourceRow> Tricky(Window window) =>
    [
        Make("010460043993125621JgXJ5.Tl", 1, window.Since,
            ("did", Text("doc-1")), ("rn", Text("ТОО \"Ромашка\", Алматы")), ("st", Number(255)), ("ste", Number(0)),
            ("pg", Number(65535)), ("tt", Number(long.MinValue)), ("tm", Number(0)), ("ch", Array("a", "b'c", "d\\e", "q\"r", "x,y", "ü🙂")),
            ("j", Text("{\"k\": [1, 2]}\nline2\ttab")), ("et", Number(3))),
        Make("010460043993125621JgXJ5.Tl", 2, window.Since, ("did", Text("")), ("ch", Array()), ("tt", Number(long.MaxValue)),
            ("emd", Number(4_291_747_199_000)), ("et", Number(3))),
        Make("c-null-elements", 0, window.Until.AddMilliseconds(-1), ("ch", Array(null, "x", null)), ("p", Text("\\N")), ("o", Text(""))),
        Make("🙂 emoji code", 3, window.Since.AddMinutes(30), ("ch", FieldValue.Null), ("b", Text(new string('я', 5000)))),
    ];
}
