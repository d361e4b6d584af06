using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// Decodes an Avatica <c>Frame</c> straight from its bytes into <see cref="SourceRow"/>s, one value per
/// expected column, by that column's <see cref="ColumnKind"/>. Values are decoded faithfully (no range
/// checks): NULL only when <c>null = true</c>; numbers from the zigzag <c>number_value</c> (TIMESTAMP as
/// UTC epoch ms); a ColumnValue is read in the order has_array_value, scalar_value, value.
/// Columns past the expected ones (e.g. EXPLAIN's estimates) are skipped.
/// </summary>
internal sealed class FrameDecoder(IReadOnlyList<string> names, IReadOnlyList<ColumnKind> kinds)
{
    private const uint FrameOffset = (1 << 3) | ProtoReader.Varint;
    private const uint FrameDone = (2 << 3) | ProtoReader.Varint;
    private const uint FrameRow = (3 << 3) | ProtoReader.LengthDelimited;
    private const uint RowValue = (1 << 3) | ProtoReader.LengthDelimited;

    private readonly ColumnKind[] _kinds = [.. kinds];
    private readonly string[] _names = [.. names];
    private readonly StringPool[] _pools = kinds.Select(_ => new StringPool()).ToArray();

    /// <summary>The decoder for <see cref="Columns.Source"/>.</summary>
    public static FrameDecoder ForSource() =>
        new(Columns.Source.Select(c => c.Name).ToArray(), Columns.Source.Select(c => c.Kind).ToArray());

    /// <summary>The frame's offset, done flag and row count, without decoding the rows.</summary>
    public static FrameInfo Scan(ReadOnlySpan<byte> frame)
    {
        var reader = new ProtoReader(frame);
        ulong offset = 0;
        var done = false;
        var count = 0;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            switch (tag)
            {
                case FrameRow:
                    reader.ReadLengthDelimited();
                    count++;
                    break;
                case FrameOffset:
                    offset = reader.ReadVarint();
                    break;
                case FrameDone:
                    done = reader.ReadBool();
                    break;
                default:
                    reader.Skip(tag);
                    break;
            }
        }

        return new FrameInfo((long)offset, done, count);
    }

    /// <summary>Decodes the next row at or after <paramref name="position"/>; false at the end of the frame.</summary>
    public bool TryDecodeNext(ReadOnlySpan<byte> frame, ref int position, out SourceRow row)
    {
        var reader = new ProtoReader(frame[position..]);
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == FrameRow)
            {
                var bytes = reader.ReadLengthDelimited();
                position += reader.Position;
                row = DecodeRow(bytes);
                return true;
            }

            reader.Skip(tag);
        }

        position = frame.Length;
        row = default;
        return false;
    }

    /// <summary>Appends the frame's rows to <paramref name="rows"/>.</summary>
    public FrameInfo Decode(ReadOnlySpan<byte> frame, List<SourceRow> rows)
    {
        var info = Scan(frame);
        var position = 0;
        while (TryDecodeNext(frame, ref position, out var row))
        {
            rows.Add(row);
        }

        return info;
    }

    private SourceRow DecodeRow(ReadOnlySpan<byte> row)
    {
        var values = new FieldValue[_kinds.Length];
        var position = 0;
        var index = 0;
        while (position < row.Length)
        {
            var tag = (uint)WireSpan.Varint(row, ref position);
            if (tag != RowValue)
            {
                position = WireSpan.Skip(row, position, tag);
                continue;
            }

            var value = WireSpan.LengthDelimited(row, ref position);
            if (index < values.Length)
            {
                values[index] = ValueDecoder.Column(value, _kinds[index], _names[index], _pools[index]);
            }

            index++;
        }

        return index >= values.Length
            ? new SourceRow(values)
            : throw new InvalidDataException($"A row has {index} values but {values.Length} columns were selected");
    }
}
