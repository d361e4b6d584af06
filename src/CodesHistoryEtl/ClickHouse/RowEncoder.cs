using System.Buffers;
using System.Buffers.Binary;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// Encodes <see cref="ExportRow"/>s as RowBinary for <see cref="InsertColumns"/>: every column of
/// <see cref="Columns.Target"/> in order, then the ETL's own <c>etl_job</c> and <c>load_id</c>
/// (<c>ts_ingested</c> is left to the server's DEFAULT now()). Texts are copied as the UTF-8 bytes they arrived
/// in; a row is written into one span of the output, sized for it up front. A pure function over bytes.
/// </summary>
public sealed class RowEncoder
{
    /// <summary>The metadata columns appended after <see cref="Columns.Target"/>.</summary>
    public static readonly string[] MetadataColumns = ["etl_job", "load_id"];

    /// <summary>Most bytes a column takes besides its text bytes: a NULL flag and a length or a number (the id's 32 bytes are added apart).</summary>
    private const int MaxBytesPerColumn = 12;

    /// <summary><c>etl_job</c> and <c>load_id</c>, the same for every row.</summary>
    private readonly byte[] _metadata;

    public RowEncoder(string etlJob, Guid loadId)
    {
        var metadata = new ArrayBufferWriter<byte>();
        RowBinary.WriteString(metadata, etlJob);
        RowBinary.WriteUuid(metadata, loadId);
        _metadata = metadata.WrittenSpan.ToArray();
    }

    /// <summary>The explicit column list of the INSERT, matching what <see cref="Write"/> emits.</summary>
    public static string InsertColumns { get; } = string.Join(", ", Columns.Target.Select(c => c.Name).Concat(MetadataColumns));

    public void Write(IBufferWriter<byte> output, ExportRow row)
    {
        var source = row.Source;
        var columns = Columns.Target.AsSpan();
        var span = output.GetSpan(source.TextBytes + (10 * source.ElementCount) + (MaxBytesPerColumn * columns.Length) + 32 + _metadata.Length);
        var at = 0;
        foreach (var column in columns)
        {
            at = WriteValue(span, at, column, row);
        }

        _metadata.CopyTo(span[at..]);
        output.Advance(at + _metadata.Length);
    }

    private static int WriteValue(Span<byte> span, int at, Column column, ExportRow row)
    {
        if (column.Kind == ColumnKind.StringArray)
        {
            var length = row.ArrayLength(column);
            at = RowBinary.VarUInt(span, at, (ulong)length);
            for (var i = 0; i < length; i++)
            {
                at = RowBinary.String(span, at, row.Element(column, i));
            }

            return at;
        }

        if (column.Nullable)
        {
            var isNull = row.IsNull(column);
            span[at++] = isNull ? (byte)1 : (byte)0;
            if (isNull)
            {
                return at;
            }
        }

        switch (column.Kind)
        {
            case ColumnKind.String:
                return RowBinary.String(span, at, row.Utf8(column));
            case ColumnKind.UInt8:
                span[at] = (byte)InRange(column, row.Number(column), byte.MaxValue);
                return at + 1;
            case ColumnKind.UInt16:
                BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)InRange(column, row.Number(column), ushort.MaxValue));
                return at + 2;
            case ColumnKind.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], row.Number(column));
                return at + 8;
            case ColumnKind.DateTime:
                BinaryPrimitives.WriteUInt32LittleEndian(span[at..], RowBinary.DateTimeSeconds(ExportRow.EpochSeconds(row.Number(column)), column.Name));
                return at + 4;
            default:
                throw NoEncoding(column);
        }
    }

    private static InvalidOperationException NoEncoding(Column column) => new($"Column {column.Name}: no RowBinary encoding for {column.Kind}");

    private static long InRange(Column column, long value, long max) => (ulong)value <= (ulong)max ? value : throw OutOfRange(column, value, max);

    private static InvalidOperationException OutOfRange(Column column, long value, long max) =>
        new($"Column {column.Name} ({column.ClickHouseType}): {value} is outside 0..{max}; the transform should have rejected it");
}
