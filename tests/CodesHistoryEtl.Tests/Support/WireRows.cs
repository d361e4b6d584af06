using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// Rows as the ETL receives them, for tests that start from <see cref="SourceRow"/>s: each row is encoded the way
/// the simulator sends it into a one-row frame of its own and decoded by the production <see cref="FrameDecoder"/>,
/// so every <see cref="WireRow"/> and <see cref="ExportRow"/> made here stays valid (the ETL refills one instead).
/// </summary>
internal static class WireRows
{
    private const int FrameRowsField = 3; // Frame { repeated Row rows = 3 }

    private static readonly Rep[] Reps = Columns.Source.Select(c => SimTable.TypeOf(c, new SimOptions()).Rep).ToArray();

    /// <summary>The row as it arrives from Phoenix.</summary>
    public static WireRow Of(SourceRow row) => FromRowMessage(RowEncoder.Encode(row.Values, Reps));

    /// <summary>The row as it arrives with every copy of the UTF-8 of <paramref name="marker"/> replaced by <paramref name="bytes"/> (e.g. invalid UTF-8).</summary>
    public static WireRow WithBytes(SourceRow row, string marker, byte[] bytes)
    {
        var message = RowEncoder.Encode(row.Values, Reps);
        Replace(message, System.Text.Encoding.UTF8.GetBytes(marker), bytes);
        return FromRowMessage(message);
    }

    /// <summary>
    /// Overwrites every copy of <paramref name="marker"/> in <paramref name="bytes"/> with <paramref name="with"/> (as long);
    /// a scalar is sent twice (scalar_value and the deprecated value), so there are usually two.
    /// </summary>
    public static void Replace(byte[] bytes, ReadOnlySpan<byte> marker, byte[] with)
    {
        Assert.Equal(marker.Length, with.Length);
        var copies = 0;
        for (var at = bytes.AsSpan().IndexOf(marker); at >= 0; at = bytes.AsSpan().IndexOf(marker), copies++)
        {
            with.CopyTo(bytes, at);
        }

        Assert.True(copies > 0, "the marker is not in the bytes");
    }

    /// <summary>The row carried by the bytes of an Avatica <c>Row</c> message (framed as is: invalid UTF-8 stays invalid).</summary>
    public static WireRow FromRowMessage(byte[] rowMessage)
    {
        using var frame = new MemoryStream();
        using (var output = new CodedOutputStream(frame, leaveOpen: true))
        {
            output.WriteTag(FrameRowsField, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(rowMessage));
        }

        var bytes = frame.ToArray();
        var position = 0;
        var row = new WireRow(Columns.Source.Length);
        Assert.True(FrameDecoder.ForSource().TryDecodeNext(bytes, ref position, row));
        return row;
    }

    /// <summary>Every row of <paramref name="frame"/>, decoded and copied out as <see cref="SourceRow"/>s.</summary>
    public static List<SourceRow> Decode(FrameDecoder decoder, byte[] frame)
    {
        var rows = new List<SourceRow>();
        var row = new WireRow(decoder.ColumnCount);
        var position = 0;
        while (decoder.TryDecodeNext(frame, ref position, row))
        {
            rows.Add(row.ToSourceRow());
        }

        return rows;
    }

    /// <summary>The export row of <paramref name="row"/> (a new instance), or null and the reason it is rejected.</summary>
    public static ExportRow? Transform(RowTransformer transformer, SourceRow row, out string? reason)
    {
        var exported = new ExportRow();
        return transformer.TryTransform(Of(row), exported, out reason) ? exported : null;
    }

    /// <summary>The export rows of the accepted ones of <paramref name="rows"/>, all of one window.</summary>
    public static List<ExportRow> Export(Window window, IEnumerable<SourceRow> rows)
    {
        var transformer = new RowTransformer(window);
        return rows.Select(r => Transform(transformer, r, out var reason) ?? throw new InvalidOperationException(reason)).ToList();
    }

    /// <summary>One target column's value as a <see cref="FieldValue"/> (texts decoded; an array's NULLs read as ClickHouse takes them).</summary>
    public static FieldValue Get(this ExportRow row, Column column)
    {
        if (column.Kind == ColumnKind.StringArray)
        {
            return FieldValue.FromArray(Enumerable.Range(0, row.ArrayLength(column)).Select(i => Text(row.Element(column, i))).ToArray());
        }

        if (row.IsNull(column))
        {
            return FieldValue.Null;
        }

        return column.Kind == ColumnKind.String ? FieldValue.FromText(Text(row.Utf8(column))) : FieldValue.FromNumber(row.Number(column));
    }

    /// <summary>The value of the source column <paramref name="name"/> (texts decoded).</summary>
    public static FieldValue SourceValue(this ExportRow row, string name) => row.Source.ToSourceRow()[Columns.SourceOrdinalOf(name)];

    private static string Text(ReadOnlySpan<byte> utf8) => WireUtf8.Decode(utf8);
}
