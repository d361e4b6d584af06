using System.Runtime.InteropServices;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// Decodes an Avatica <c>Frame</c> straight from its bytes into a <see cref="WireRow"/> at a time, one value per
/// expected column, by that column's <see cref="ColumnKind"/>; texts stay slices of the frame. Values are decoded faithfully (no range
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

    /// <summary>Columns each row holds: the size of the <see cref="WireRow"/> to decode into.</summary>
    public int ColumnCount => _kinds.Length;

    /// <summary>
    /// Decodes the next row at or after <paramref name="position"/> of <paramref name="frame"/> into <paramref name="row"/>,
    /// whose texts then point into <paramref name="frame"/>'s array; false at the end of the frame.
    /// </summary>
    public bool TryDecodeNext(ReadOnlyMemory<byte> frame, ref int position, WireRow row)
    {
        if (!MemoryMarshal.TryGetArray(frame, out var segment))
        {
            throw new ArgumentException("a frame must be a slice of an array", nameof(frame));
        }

        var span = frame.Span;
        var reader = new ProtoReader(span[position..]);
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == FrameRow)
            {
                var bytes = reader.ReadLengthDelimited();
                var rowOffset = segment.Offset + position + reader.Position - bytes.Length;
                position += reader.Position;
                row.Begin(segment.Array!);
                DecodeRow(bytes, rowOffset, row);
                return true;
            }

            reader.Skip(tag);
        }

        position = span.Length;
        return false;
    }

    /// <summary>Decodes a Row message, <paramref name="bytes"/>, which starts at <paramref name="rowOffset"/> of the row's buffer.</summary>
    private void DecodeRow(ReadOnlySpan<byte> bytes, int rowOffset, WireRow row)
    {
        var position = 0;
        var index = 0;
        while (position < bytes.Length)
        {
            var tag = (uint)WireSpan.Varint(bytes, ref position);
            if (tag != RowValue)
            {
                position = WireSpan.Skip(bytes, position, tag);
                continue;
            }

            var value = WireSpan.LengthDelimited(bytes, ref position);
            if (index < _kinds.Length)
            {
                var kind = _kinds[index];
                var at = rowOffset + position - value.Length;
                if (kind == ColumnKind.StringArray ? !ValueDecoder.TryCommonArray(value, at, row, index) : !ValueDecoder.TryCommonScalar(value, at, kind, row, index))
                {
                    ValueDecoder.Column(value, kind, _names[index], row, index);
                }
            }

            index++;
        }

        if (index < _kinds.Length)
        {
            throw new InvalidDataException($"A row has {index} values but {_kinds.Length} columns were selected");
        }
    }
}
