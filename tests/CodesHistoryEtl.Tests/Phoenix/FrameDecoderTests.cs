using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using CodesHistoryEtl.Phoenix.Proto;
using CodesHistoryEtl.Tests.Support;
using Google.Protobuf;

namespace CodesHistoryEtl.Tests.Phoenix;

public sealed class FrameDecoderTests
{
    private static readonly ColumnKind[] Kinds = [ColumnKind.String, ColumnKind.UInt8, ColumnKind.DateTime, ColumnKind.StringArray];
    private static readonly FrameDecoder Decoder = new(["c", "t", "opd", "ch"], Kinds);

    [Theory]
    // TypedValue { type: NULL, null: true }
    [InlineData("0818 3801", true, 0)]
    // { type: BYTE, number_value: -5 } zigzag(-5) = 9
    [InlineData("0809 2009", false, -5)]
    // { type: LONG } with number_value omitted: 0, not NULL
    [InlineData("080D", false, 0)]
    // { type: LONG, number_value: -1 } = 1 (a timestamp one ms before 1970)
    [InlineData("080D 2001", false, -1)]
    // { type: LONG, number_value: long.MinValue } zigzag = 2^64-1
    [InlineData("080D 20FFFFFFFFFFFFFFFFFF01", false, long.MinValue)]
    public void Scalar_number_vectors_decode_faithfully(string typedValueHex, bool isNull, long number)
    {
        var typedValue = Convert.FromHexString(typedValueHex.Replace(" ", "", StringComparison.Ordinal));
        var parsed = TypedValue.Parser.ParseFrom(typedValue);
        Assert.Equal(typedValue, parsed.ToByteArray());

        var row = DecodeSingle(Cells(Text("k"), Scalar(parsed), Scalar(new TypedValue { Type = Rep.Long, NumberValue = 1 }), NullArray()))[1];

        Assert.Equal(isNull, row.IsNull);
        Assert.Equal(isNull ? 0 : number, row.IsNull ? 0 : row.Number);
    }

    [Fact]
    public void Empty_string_is_a_value_and_null_flag_is_the_only_null()
    {
        // { type: STRING } with string_value omitted is "", and { type: NULL } without null=true is not NULL.
        var empty = new TypedValue { Type = Rep.String };
        Assert.Equal("0815", Convert.ToHexString(empty.ToByteArray()));

        var row = DecodeSingle(Cells(Scalar(empty), Scalar(new TypedValue { Type = Rep.Byte }), Scalar(Null()), NullArray()));

        Assert.Equal(FieldValue.FromText(""), row[0]);
        Assert.Equal(FieldValue.FromNumber(0), row[1]);
        Assert.True(row[2].IsNull);
        Assert.True(row[3].IsNull);
    }

    [Fact]
    public void Arrays_empty_null_and_with_null_elements_stay_distinct()
    {
        var empty = new ColumnValue { HasArrayValue = true };
        Assert.Equal("1801", Convert.ToHexString(empty.ToByteArray()));
        var withNull = Array("a", null, "Ж😀");

        var rows = Decode(Frame(Cells(Text("x"), Number(1), Number(2), empty), Cells(Text("y"), Number(1), Number(2), withNull),
            Cells(Text("z"), Number(1), Number(2), NullArray())));

        Assert.Empty(rows[0][3].Array);
        Assert.Equal(FieldValue.FromArray(["a", null, "Ж😀"]), rows[1][3]);
        Assert.True(rows[2][3].IsNull);
    }

    [Fact]
    public void Deprecated_value_field_alone_is_read_when_newer_fields_are_absent()
    {
        var legacy = new ColumnValue();
        legacy.Value.Add(new TypedValue { Type = Rep.String, StringValue = "old" });

        Assert.Equal(FieldValue.FromText("old"), DecodeSingle(Cells(legacy, Number(1), Number(2), NullArray()))[0]);
    }

    [Fact]
    public void Frame_offset_and_done_are_reported()
    {
        var frame = Frame(Cells(Text("a"), Number(1), Number(2), NullArray()));
        frame.Offset = 5000;
        frame.Done = true;

        var info = FrameDecoder.Scan(frame.ToByteArray());

        Assert.Equal(new FrameInfo(5000, true, 1), info);
    }

    [Fact]
    public void A_row_with_too_few_values_is_an_error()
    {
        var frame = Frame(Cells(Text("a"), Number(1)));

        var error = Assert.Throws<InvalidDataException>(() => WireRows.Decode(Decoder, frame.ToByteArray()));
        Assert.Contains("2 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Span_decoder_agrees_with_generated_classes_on_the_same_bytes()
    {
        var frame = Frame(
            Cells(Text("Строка ✓"), Number(-5), Number(-86_400_000), Array("x", null, "")),
            Cells(Scalar(Null()), Scalar(Null()), Number(1_754_006_400_000), new ColumnValue { HasArrayValue = true }),
            Cells(Text(new string('w', 70_000)), Number(255), Number(0), NullArray()));
        var bytes = frame.ToByteArray();

        var fast = Decode(frame);
        var reference = GeneratedRowDecoder.Decode(bytes, Kinds);

        Assert.Equal(reference.Count, fast.Count);
        for (var i = 0; i < fast.Count; i++)
        {
            Assert.Equal(reference[i].Values, fast[i].Values);
        }
    }

    [Theory]
    // scalar_value alone, without the deprecated copy
    [InlineData("2205 0815 1A01 61", "2204 080D 2002")]
    // TypedValue fields in an unusual order: the value before the type
    [InlineData("2205 1A01 61 0815", "2204 2002 080D")]
    // null = false written out, and a second field after the value
    [InlineData("2209 0815 3800 1A01 61 3800", "2206 080D 2002 3800")]
    // a string column carrying a number and a number column carrying a string: the field its kind reads is absent
    [InlineData("2204 080D 2002", "2205 0815 1A01 61")]
    // the deprecated value after scalar_value, and a value whose deprecated copy differs
    [InlineData("2205 0815 1A01 61 0A05 0815 1A01 62", "0A04 080D 2004 2204 080D 2002")]
    public void Values_in_uncommon_shapes_decode_as_the_generated_classes_read_them(string textColumnHex, string numberColumnHex)
    {
        // raw bytes, so the shapes reach the decoder as written (the generated classes would reorder them)
        var row = Field(1, Hex(textColumnHex)).Concat(Field(1, Hex(numberColumnHex))).Concat(Field(1, Number(7).ToByteArray()))
            .Concat(Field(1, NullArray().ToByteArray())).ToArray();
        var frame = Field(3, row);

        var fast = WireRows.Decode(Decoder, frame);
        var reference = GeneratedRowDecoder.Decode(frame, Kinds);

        Assert.Equal(Assert.Single(reference).Values, Assert.Single(fast).Values);
    }

    [Theory]
    // the shape Avatica writes (the fast path): copies, elements "a" and NULL, has_array_value last
    [InlineData("0A05 0815 1A01 61 0A04 0818 3801 1205 0815 1A01 61 1204 0818 3801 1801")]
    // has_array_value first
    [InlineData("1801 1205 0815 1A01 61")]
    // an empty text element (proto3 leaves string_value out)
    [InlineData("0A02 0815 1202 0815 1801")]
    // an element's type after its text, and an element with null = false written out
    [InlineData("1205 1A01 61 0815 1207 0815 1A01 62 3800 1801")]
    // an element of another type than STRING, and a NULL element typed STRING
    [InlineData("1204 080D 2002 1204 0815 3801 1801")]
    public void Arrays_in_uncommon_shapes_decode_as_the_generated_classes_read_them(string arrayColumnHex)
    {
        var row = Field(1, Text("t").ToByteArray()).Concat(Field(1, Number(1).ToByteArray())).Concat(Field(1, Number(7).ToByteArray()))
            .Concat(Field(1, Hex(arrayColumnHex))).ToArray();
        var frame = Field(3, row);

        var fast = WireRows.Decode(Decoder, frame);
        var reference = GeneratedRowDecoder.Decode(frame, Kinds);

        Assert.Equal(Assert.Single(reference).Values, Assert.Single(fast).Values);
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>A length-delimited field: tag, one-byte length, bytes.</summary>
    private static byte[] Field(int number, byte[] bytes) => [(byte)((number << 3) | 2), checked((byte)bytes.Length), .. bytes];

    internal static ColumnValue Scalar(TypedValue value)
    {
        // A real server fills scalar_value and the deprecated value with the same TypedValue.
        var column = new ColumnValue { ScalarValue = value };
        column.Value.Add(value);
        return column;
    }

    [Fact]
    public void Invalid_utf8_bytes_decode_to_lone_surrogates_not_to_a_silent_replacement_character()
    {
        var frame = Frame(Cells(Text("ok-XXXX"), Number(1), Number(2), Array("YYYY"))).ToByteArray();
        WireRows.Replace(frame, "XXXX"u8, [0xC3, 0x28, 0xFF, 0x41]); // a broken two-byte sequence, a byte never valid, then 'A'
        WireRows.Replace(frame, "YYYY"u8, [0xE2, 0x82, 0x41, 0x42]); // a truncated three-byte sequence, then "AB"
        var rows = WireRows.Decode(Decoder, frame);

        Assert.Equal("ok-<DCC3>(<DCFF>A", Escaped(rows[0][0].Text));
        Assert.Equal("<DCE2><DC82>AB", Escaped(rows[0][3].Array[0]!));
        Assert.Equal("ok-é", Decode(Frame(Cells(Text("ok-é"), Number(1), Number(2), NullArray())))[0][0].Text);
    }

    private static string Escaped(string text) =>
        string.Concat(text.Select(ch => char.IsSurrogate(ch) ? $"<{(int)ch:X4}>" : ch.ToString()));

    internal static TypedValue Null() => new() { Type = Rep.Null, Null = true };

    internal static ColumnValue Text(string text) => Scalar(new TypedValue { Type = Rep.String, StringValue = text });

    internal static ColumnValue Number(long number) => Scalar(new TypedValue { Type = Rep.Long, NumberValue = number });

    internal static ColumnValue NullArray() => Scalar(Null());

    internal static ColumnValue Array(params string?[] elements)
    {
        var column = new ColumnValue { HasArrayValue = true };
        foreach (var element in elements)
        {
            var value = element is null ? Null() : new TypedValue { Type = Rep.String, StringValue = element };
            column.ArrayValue.Add(value);
            column.Value.Add(value);
        }

        return column;
    }

    internal static Row Cells(params ColumnValue[] values)
    {
        var row = new Row();
        row.Value.AddRange(values);
        return row;
    }

    internal static Frame Frame(params Row[] rows)
    {
        var frame = new Frame();
        frame.Rows.AddRange(rows);
        return frame;
    }

    private static List<SourceRow> Decode(Frame frame) => WireRows.Decode(Decoder, frame.ToByteArray());

    private static SourceRow DecodeSingle(Row row) => Assert.Single(Decode(Frame(row)));
}
