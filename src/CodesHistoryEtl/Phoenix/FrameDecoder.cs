using System.Text;
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
    private static readonly uint FrameOffset = ProtoReader.Tag(1, ProtoReader.Varint);
    private static readonly uint FrameDone = ProtoReader.Tag(2, ProtoReader.Varint);
    private static readonly uint FrameRow = ProtoReader.Tag(3, ProtoReader.LengthDelimited);
    private static readonly uint RowValue = ProtoReader.Tag(1, ProtoReader.LengthDelimited);

    private readonly ColumnKind[] _kinds = [.. kinds];
    private readonly string[] _names = [.. names];

    /// <summary>The decoder for <see cref="Columns.Source"/>.</summary>
    public static FrameDecoder ForSource() =>
        new(Columns.Source.Select(c => c.Name).ToArray(), Columns.Source.Select(c => c.Kind).ToArray());

    /// <summary>Appends the frame's rows to <paramref name="rows"/>.</summary>
    public FrameInfo Decode(ReadOnlySpan<byte> frame, List<SourceRow> rows)
    {
        var reader = new ProtoReader(frame);
        ulong offset = 0;
        var done = false;
        var count = 0;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == FrameRow)
            {
                rows.Add(DecodeRow(reader.ReadLengthDelimited()));
                count++;
            }
            else if (tag == FrameOffset)
            {
                offset = reader.ReadVarint();
            }
            else if (tag == FrameDone)
            {
                done = reader.ReadBool();
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return new FrameInfo((long)offset, done, count);
    }

    private SourceRow DecodeRow(ReadOnlySpan<byte> row)
    {
        var values = new FieldValue[_kinds.Length];
        var reader = new ProtoReader(row);
        var index = 0;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag != RowValue)
            {
                reader.Skip(tag);
                continue;
            }

            var value = reader.ReadLengthDelimited();
            if (index < values.Length)
            {
                values[index] = DecodeColumn(value, index);
            }

            index++;
        }

        return index >= values.Length
            ? new SourceRow(values)
            : throw new InvalidDataException($"A row has {index} values but {values.Length} columns were selected");
    }

    private FieldValue DecodeColumn(ReadOnlySpan<byte> columnValue, int index)
    {
        var column = ColumnValueParts.Read(columnValue);
        var kind = _kinds[index];
        if (column.HasArrayValue)
        {
            return kind == ColumnKind.StringArray
                ? FieldValue.FromArray(ReadElements(columnValue, ColumnValueParts.ArrayValueTag, column.ArrayCount))
                : throw Mismatch(index, "an array");
        }

        if (column.HasScalar)
        {
            return DecodeScalar(column.Scalar, index);
        }

        if (kind == ColumnKind.StringArray)
        {
            return FieldValue.FromArray(ReadElements(columnValue, ColumnValueParts.ValueTag, column.ValueCount));
        }

        return column.ValueCount == 1
            ? DecodeScalar(column.FirstValue, index)
            : throw new InvalidDataException($"Column {_names[index]} carries no value");
    }

    private FieldValue DecodeScalar(ReadOnlySpan<byte> typedValue, int index)
    {
        var value = TypedValueParts.Read(typedValue);
        if (value.IsNull)
        {
            return FieldValue.Null;
        }

        return _kinds[index] switch
        {
            ColumnKind.String => FieldValue.FromText(Encoding.UTF8.GetString(value.Text)),
            ColumnKind.StringArray when value.ArrayCount > 0 || value.Type == TypedValueParts.ArrayRep =>
                FieldValue.FromArray(ReadElements(typedValue, TypedValueParts.ArrayValueTag, value.ArrayCount)),
            ColumnKind.StringArray => throw Mismatch(index, "a scalar"),
            _ => FieldValue.FromNumber(value.Number),
        };
    }

    /// <summary>The text elements under <paramref name="tag"/> in <paramref name="message"/>; a NULL element stays null.</summary>
    private static string?[] ReadElements(ReadOnlySpan<byte> message, uint tag, int count)
    {
        if (count == 0)
        {
            return [];
        }

        var elements = new string?[count];
        var reader = new ProtoReader(message);
        var i = 0;
        while (!reader.End)
        {
            var fieldTag = reader.ReadTag();
            if (fieldTag != tag)
            {
                reader.Skip(fieldTag);
                continue;
            }

            var element = TypedValueParts.Read(reader.ReadLengthDelimited());
            elements[i++] = element.IsNull ? null : Encoding.UTF8.GetString(element.Text);
        }

        return elements;
    }

    private InvalidDataException Mismatch(int index, string what) =>
        new($"Column {_names[index]} ({_kinds[index]}) arrived as {what}");
}
