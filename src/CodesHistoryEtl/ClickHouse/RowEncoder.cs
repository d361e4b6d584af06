using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
        var values = Columns.TargetValues.AsSpan();
        var span = output.GetSpan(source.TextBytes + (10 * source.ElementCount) + (MaxBytesPerColumn * values.Length) + 32 + _metadata.Length);
        var at = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value.Nullable)
            {
                var isNull = source.IsNull(value.Ordinal);
                span[at++] = isNull ? (byte)1 : (byte)0;
                if (isNull)
                {
                    continue;
                }
            }

            switch (value.Code)
            {
                case ValueCode.Text:
                    at = RowBinary.String(span, at, source.Utf8(value.Ordinal));
                    break;
                case ValueCode.UInt8:
                    span[at++] = (byte)InRange(i, source.Number(value.Ordinal), byte.MaxValue);
                    break;
                case ValueCode.UInt16:
                    BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)InRange(i, source.Number(value.Ordinal), ushort.MaxValue));
                    at += 2;
                    break;
                case ValueCode.Int64:
                    BinaryPrimitives.WriteInt64LittleEndian(span[at..], source.Number(value.Ordinal));
                    at += 8;
                    break;
                case ValueCode.DateTime:
                    at = DateTime(span, at, source.Number(value.Ordinal), i);
                    break;
                case ValueCode.Array:
                    at = Array(span, at, source, value.Ordinal);
                    break;
                case ValueCode.Id when row.HasId:
                    span[at++] = 0;
                    at = RowBinary.String(span, at, row.Id);
                    break;
                case ValueCode.Id:
                    span[at++] = 1;
                    break;
                case ValueCode.Ts:
                    at = DateTime(span, at, row.TsMillis, i);
                    break;
                case ValueCode.Q:
                    span[at++] = row.Q;
                    break;
                default:
                    throw NoEncoding(i);
            }
        }

        _metadata.CopyTo(span[at..]);
        output.Advance(at + _metadata.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DateTime(Span<byte> span, int at, long epochMillis, int index)
    {
        var seconds = RowBinary.DateTimeSeconds(ExportRow.EpochSeconds(epochMillis), Columns.Target[index].Name);
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], seconds);
        return at + 4;
    }

    private static int Array(Span<byte> span, int at, WireRow source, int ordinal)
    {
        var length = source.ArrayLength(ordinal);
        at = RowBinary.VarUInt(span, at, (ulong)length);
        for (var i = 0; i < length; i++)
        {
            at = RowBinary.String(span, at, source.Element(ordinal, i));
        }

        return at;
    }

    private static InvalidOperationException NoEncoding(int index) =>
        new($"Column {Columns.Target[index].Name}: no RowBinary encoding for {Columns.TargetValues[index].Code}");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long InRange(int index, long value, long max) => (ulong)value <= (ulong)max ? value : throw OutOfRange(index, value, max);

    private static InvalidOperationException OutOfRange(int index, long value, long max) =>
        new($"Column {Columns.Target[index].Name} ({Columns.Target[index].ClickHouseType}): {value} is outside 0..{max}; the transform should have rejected it");
}
