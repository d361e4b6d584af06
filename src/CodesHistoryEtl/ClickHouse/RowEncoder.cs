using System.Buffers;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// Encodes <see cref="ExportRow"/>s as RowBinary for <see cref="InsertColumns"/>: every column of
/// <see cref="Columns.Target"/> in order, then the ETL's own <c>etl_job</c> and <c>load_id</c>
/// (<c>ts_ingested</c> is left to the server's DEFAULT now()). A pure function over bytes.
/// </summary>
public sealed class RowEncoder(string etlJob, Guid loadId)
{
    /// <summary>The metadata columns appended after <see cref="Columns.Target"/>.</summary>
    public static readonly string[] MetadataColumns = ["etl_job", "load_id"];

    /// <summary>The explicit column list of the INSERT, matching what <see cref="Write"/> emits.</summary>
    public static string InsertColumns { get; } = string.Join(", ", Columns.Target.Select(c => c.Name).Concat(MetadataColumns));


    public void Write(IBufferWriter<byte> output, ExportRow row)
    {
        foreach (var column in Columns.Target)
        {
            WriteValue(output, column, row.Get(column));
        }

        RowBinary.WriteString(output, etlJob);
        RowBinary.WriteUuid(output, loadId);
    }

    private static void WriteValue(IBufferWriter<byte> output, Column column, FieldValue value)
    {
        if (column.Kind == ColumnKind.StringArray)
        {
            WriteArray(output, value.IsNull ? [] : value.Array);
            return;
        }

        if (column.Nullable)
        {
            RowBinary.WriteUInt8(output, value.IsNull ? (byte)1 : (byte)0);
            if (value.IsNull)
            {
                return;
            }
        }
        else if (value.IsNull)
        {
            throw new InvalidOperationException($"Column {column.Name} is NOT NULL in ClickHouse but the row has NULL; the transform should have rejected it");
        }

        switch (column.Kind)
        {
            case ColumnKind.String:
                RowBinary.WriteString(output, value.Text);
                break;
            case ColumnKind.UInt8:
                RowBinary.WriteUInt8(output, (byte)InRange(column, value.Number, byte.MaxValue));
                break;
            case ColumnKind.UInt16:
                RowBinary.WriteUInt16(output, (ushort)InRange(column, value.Number, ushort.MaxValue));
                break;
            case ColumnKind.Int64:
                RowBinary.WriteInt64(output, value.Number);
                break;
            case ColumnKind.DateTime:
                RowBinary.WriteDateTime(output, Math.DivRem(value.Number, 1000, out var rem) - (rem < 0 ? 1 : 0), column.Name);
                break;
            default:
                throw new InvalidOperationException($"Column {column.Name}: no RowBinary encoding for {column.Kind}");
        }
    }

    private static void WriteArray(IBufferWriter<byte> output, string?[] elements)
    {
        RowBinary.WriteVarUInt(output, (ulong)elements.Length);
        foreach (var element in elements)
        {
            RowBinary.WriteString(output, element ?? "");
        }
    }

    private static long InRange(Column column, long value, long max) =>
        value >= 0 && value <= max
            ? value
            : throw new InvalidOperationException($"Column {column.Name} ({column.ClickHouseType}): {value} is outside 0..{max}; the transform should have rejected it");
}
