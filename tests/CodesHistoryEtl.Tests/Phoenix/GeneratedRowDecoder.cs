using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>
/// The slow, obvious decoder over Google.Protobuf's generated classes, written from the notes, that the
/// span decoder is checked against on the same bytes.
/// </summary>
internal static class GeneratedRowDecoder
{
    public static List<SourceRow> Decode(byte[] frameBytes, IReadOnlyList<ColumnKind> kinds)
    {
        var frame = Frame.Parser.ParseFrom(frameBytes);
        return frame.Rows.Select(r => new SourceRow(kinds.Select((k, i) => Decode(r.Value[i], k)).ToArray())).ToList();
    }

    private static FieldValue Decode(ColumnValue value, ColumnKind kind)
    {
        if (value.HasArrayValue)
        {
            return FieldValue.FromArray(value.ArrayValue.Select(e => e.Null ? null : e.StringValue).ToArray());
        }

        var scalar = value.ScalarValue ?? value.Value.Single();
        if (scalar.Null)
        {
            return FieldValue.Null;
        }

        return kind == ColumnKind.String ? FieldValue.FromText(scalar.StringValue) : FieldValue.FromNumber(scalar.NumberValue);
    }
}
