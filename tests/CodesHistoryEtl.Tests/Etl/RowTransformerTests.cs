using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using static CodesHistoryEtl.Tests.Support.SampleRows;

namespace CodesHistoryEtl.Tests.Etl;

public sealed class RowTransformerTests
{
    private static readonly Window Hour = new(DateTimeOffset.Parse("2025-08-01T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset.Parse("2025-08-01T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static ExportRow Accept(RowTransformer transformer, SourceRow row)
    {
        var exported = WireRows.Transform(transformer, row, out var reason);
        Assert.True(exported is not null, reason);
        return exported;
    }

    private static string Reject(SourceRow row) => Reject(WireRows.Of(row));

    private static string Reject(WireRow row)
    {
        Assert.False(new RowTransformer(Hour).TryTransform(row, new ExportRow(), out var reason));
        return reason!;
    }

    [Fact]
    public void Id_is_lowercase_md5_hex_of_did_and_null_for_null_or_empty()
    {
        var transformer = new RowTransformer(Hour);
        // md5("abc") is a published test vector (RFC 1321)
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Accept(transformer, Make("a", 1, Hour.Since, ("did", Text("abc")))).Get(Columns.Id).Text);
        Assert.True(Accept(transformer, Make("b", 1, Hour.Since, ("did", Text("")))).IsNull(Columns.Id));
        Assert.True(Accept(transformer, Make("c", 1, Hour.Since)).IsNull(Columns.Id));
    }

    [Fact]
    public void Ts_is_the_window_upper_bound()
    {
        var row = Accept(new RowTransformer(Hour), Make("a", 1, Hour.Since));
        Assert.Equal(Hour.Until.ToUnixTimeMilliseconds(), row.TsMillis);
        Assert.Equal(FieldValue.FromNumber(Hour.Until.ToUnixTimeMilliseconds()), row.Get(Columns.Target.Single(c => c.Name == "ts")));
    }

    [Fact]
    public void Q_marks_later_repeats_of_the_sort_key_within_the_window_only()
    {
        var transformer = new RowTransformer(Hour);
        var at = Hour.Since.AddMinutes(5);
        Assert.Equal(0, Accept(transformer, Make("c1", 1, at, ("et", Number(2)))).Q);
        Assert.Equal(1, Accept(transformer, Make("c1", 2, at, ("et", Number(2)))).Q); // t differs, key (c,opd,et,st,ste) same
        Assert.Equal(0, Accept(transformer, Make("c1", 3, at, ("et", Number(3)))).Q); // et differs
        Assert.Equal(0, Accept(transformer, Make("c1", 4, at)).Q);                    // et NULL differs from 2
        Assert.Equal(1, Accept(transformer, Make("c1", 5, at)).Q);                    // NULL et repeats NULL et
        Assert.Equal(0, Accept(transformer, Make("c2", 1, at, ("et", Number(2)))).Q); // c differs
        Assert.Equal(0, Accept(new RowTransformer(Hour), Make("c1", 2, at, ("et", Number(2)))).Q); // a new window starts clean
    }

    [Fact]
    public void Null_ch_becomes_empty_array_and_null_elements_become_empty_strings()
    {
        var transformer = new RowTransformer(Hour);
        var ch = Columns.Target.Single(c => c.Name == "ch");
        Assert.Empty(Accept(transformer, Make("a", 1, Hour.Since)).Get(ch).Array);
        Assert.Equal(new string?[] { "", "x", "" }.AsEnumerable(), Accept(transformer, Make("b", 1, Hour.Since, ("ch", Array(null, "x", null)))).Get(ch).Array);
    }

    [Theory]
    [InlineData("c", "c is NULL")]
    [InlineData("t", "t is NULL")]
    [InlineData("opd", "opd is NULL")]
    public void Null_in_a_required_column_is_rejected_naming_it(string column, string expected)
    {
        var row = Make("a", 1, Hour.Since);
        row.Values[Columns.SourceOrdinalOf(column)] = FieldValue.Null;
        Assert.Contains(expected, Reject(row), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("st", -5L, "st: -5 is outside 0..255")]
    [InlineData("t", 256L, "t: 256 is outside 0..255")]
    [InlineData("pg", -1L, "pg: -1 is outside 0..65535")]
    [InlineData("emd", -1L, "emd: -1 ms is outside DateTime")]
    [InlineData("tm", 4_291_747_200_000L, "tm: 4291747200000 ms is outside DateTime")]
    public void Value_out_of_the_target_range_is_rejected_naming_column_and_value(string column, long value, string expected) =>
        Assert.Contains(expected, Reject(Make("a", 1, Hour.Since, (column, Number(value)))), StringComparison.Ordinal);

    [Fact]
    public void Invalid_and_huge_text_is_rejected()
    {
        // a broken two-byte sequence; a surrogate encoded as if it were a character (what a lone surrogate becomes in CESU-8)
        Assert.Contains("rn: text is not valid UTF-8", Reject(WireRows.WithBytes(Make("a", 1, Hour.Since, ("rn", Text("ok-XX"))), "XX", [0xC3, 0x28])), StringComparison.Ordinal);
        Assert.Contains("ch: element text is not valid UTF-8", Reject(WireRows.WithBytes(Make("a", 1, Hour.Since, ("ch", Array("x", "YYY"))), "YYY", [0xED, 0xB0, 0x80])), StringComparison.Ordinal);
        // the broken byte in the eight-byte steps of a longer text, and alone at its end
        Assert.Contains("sn: text is not valid UTF-8", Reject(WireRows.WithBytes(Make("a", 1, Hour.Since, ("sn", Text("abXcdefgh-ijklmnop"))), "X", [0xFF])), StringComparison.Ordinal);
        Assert.Contains("sn: text is not valid UTF-8", Reject(WireRows.WithBytes(Make("a", 1, Hour.Since, ("sn", Text("abcdefgh-ijklmnoX"))), "X", [0x80])), StringComparison.Ordinal);
        Assert.Contains("j: text of", Reject(Make("a", 1, Hour.Since, ("j", Text(new string('x', RowTransformer.MaxTextLength + 1))))), StringComparison.Ordinal);
        Assert.Contains("ch: array of", Reject(Make("a", 1, Hour.Since, ("ch", Array(new string?[RowTransformer.MaxArrayLength + 1])))), StringComparison.Ordinal);
        Assert.Equal("pair 🙂 ok", Accept(new RowTransformer(Hour), Make("a", 1, Hour.Since, ("rn", Text("pair 🙂 ok")))).SourceValue("rn").Text);
    }

    [Fact]
    public void Row_outside_the_window_is_rejected_so_a_window_never_takes_a_neighbours_row()
    {
        Assert.Contains("outside the window", Reject(Make("a", 1, Hour.Until)), StringComparison.Ordinal);
        Assert.Contains("outside the window", Reject(Make("a", 1, Hour.Since.AddMilliseconds(-1))), StringComparison.Ordinal);
    }

    [Fact]
    public void Tricky_sample_rows_are_all_accepted()
    {
        var transformer = new RowTransformer(Hour);
        Assert.All(SampleRows.Tricky(Hour), row => Accept(transformer, row));
    }
}
