using System.Runtime.CompilerServices;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// One Avatica <c>ColumnValue</c> / <c>TypedValue</c> into its slot of a <see cref="WireRow"/>, read with locals in
/// one pass each (this runs 31 times a row). Texts stay slices of the frame.
/// </summary>
internal static class ValueDecoder
{
    // ColumnValue { value = 1; array_value = 2; has_array_value = 3; scalar_value = 4 }
    private const uint ValueTag = (1 << 3) | ProtoReader.LengthDelimited;
    private const uint ArrayValueTag = (2 << 3) | ProtoReader.LengthDelimited;
    private const uint HasArrayValueTag = (3 << 3) | ProtoReader.Varint;
    private const uint ScalarValueTag = (4 << 3) | ProtoReader.LengthDelimited;

    private const int StringRep = 21;
    private const int NullRep = 24;
    private const int ArrayRep = 27;

    public static void Column(ReadOnlySpan<byte> columnValue, ColumnKind kind, string name, WireRow row, int ordinal)
    {
        var position = 0;
        bool hasArray = false, hasScalar = false;
        var valueCount = 0;
        ReadOnlySpan<byte> scalar = default, firstValue = default;
        while (position < columnValue.Length)
        {
            var tag = WireSpan.Tag(columnValue, ref position);
            switch (tag)
            {
                case ValueTag:
                    var value = WireSpan.LengthDelimited(columnValue, ref position);
                    if (valueCount++ == 0)
                    {
                        firstValue = value;
                    }

                    break;
                case ScalarValueTag:
                    scalar = WireSpan.LengthDelimited(columnValue, ref position);
                    hasScalar = true;
                    break;
                case ArrayValueTag:
                    WireSpan.LengthDelimited(columnValue, ref position);
                    break;
                case HasArrayValueTag:
                    hasArray = WireSpan.Varint(columnValue, ref position) != 0;
                    break;
                default:
                    position = WireSpan.Skip(columnValue, position, tag);
                    break;
            }
        }

        if (hasArray)
        {
            if (kind != ColumnKind.StringArray)
            {
                throw new InvalidDataException($"Column {name} ({kind}) arrived as an array");
            }

            Elements(columnValue, ArrayValueTag, row, ordinal);
        }
        else if (hasScalar)
        {
            Scalar(scalar, kind, name, row, ordinal);
        }
        else if (kind == ColumnKind.StringArray)
        {
            Elements(columnValue, ValueTag, row, ordinal);
        }
        else if (valueCount == 1)
        {
            Scalar(firstValue, kind, name, row, ordinal);
        }
        else
        {
            throw new InvalidDataException($"Column {name} carries no value");
        }
    }

    /// <summary>
    /// The shape nearly every value has, decoded without the general loops: a ColumnValue of <c>[value] scalar_value</c>
    /// (<c>0A len X 22 len Y</c>, field order as protobuf writes it) whose TypedValue Y is the type then at most one of
    /// string_value, number_value or <c>null = true</c>; <paramref name="offset"/> is where <paramref name="columnValue"/>
    /// starts in the row's buffer, so a text is kept by its place alone. Sets the slot exactly as the general path would and returns
    /// true; false for anything else (arrays, other fields, other orders), which <see cref="Column"/> then decodes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call site, the per-value loop: no call, no frame
    public static bool TryCommonScalar(ReadOnlySpan<byte> columnValue, int offset, ColumnKind kind, WireRow row, int ordinal)
    {
        if (kind == ColumnKind.StringArray)
        {
            return false;
        }

        var position = 0;
        if (columnValue.Length > 2 && columnValue[0] == (byte)ValueTag && columnValue[1] < 0x80)
        {
            position = 2 + columnValue[1];
        }

        if ((uint)(position + 1) >= (uint)columnValue.Length || columnValue[position] != (byte)ScalarValueTag || columnValue[position + 1] >= 0x80
            || position + 2 + columnValue[position + 1] != columnValue.Length)
        {
            return false;
        }

        var typedStart = position + 2;
        var typed = columnValue[typedStart..];
        if (typed.Length < 2 || typed[0] != (byte)TypedValueFields.TypeTag || typed[1] >= 0x80)
        {
            return false;
        }

        if (typed.Length == 2)
        {
            // the type alone: "" or 0 (proto3 leaves defaults out)
            if (kind == ColumnKind.String)
            {
                row.SetText(ordinal, default);
            }
            else
            {
                row.SetNumber(ordinal, 0);
            }

            return true;
        }

        position = 3;
        switch (typed[2])
        {
            case (byte)TypedValueFields.StringTag when kind == ColumnKind.String:
                var length = WireSpan.LengthDelimited(typed, ref position).Length;
                if (position != typed.Length)
                {
                    return false;
                }

                row.SetText(ordinal, offset + typedStart + position - length, length);
                return true;
            case (byte)TypedValueFields.NumberTag when kind != ColumnKind.String:
                var number = WireSpan.Varint(typed, ref position);
                if (position != typed.Length)
                {
                    return false;
                }

                row.SetNumber(ordinal, ProtoReader.DecodeZigZag(number));
                return true;
            case (byte)TypedValueFields.NullTag when typed.Length == 4 && typed[3] == 1:
                row.SetNull(ordinal);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The array shape Avatica writes, decoded without the general loops: the deprecated copies of the elements
    /// (<c>0A len ...</c>), then the elements (<c>12 len ...</c>), each a text (<c>08 15 1A len text</c>: type STRING,
    /// string_value) or a NULL (<c>08 18 38 01</c>: type NULL, null = true), then <c>has_array_value = true</c>
    /// (<c>18 01</c>) last; lengths under 128. <paramref name="offset"/> is where <paramref name="columnValue"/> starts in
    /// the row's buffer. Sets the slot exactly as the general path would and returns true; on anything else it takes
    /// back the elements it added and returns false, and <see cref="Column"/> decodes the value.
    /// </summary>
    public static bool TryCommonArray(ReadOnlySpan<byte> columnValue, int offset, WireRow row, int ordinal)
    {
        var mark = row.Mark;
        row.BeginArray(ordinal);
        var position = 0;
        while ((uint)(position + 1) < (uint)columnValue.Length && columnValue[position] == (byte)ValueTag && columnValue[position + 1] < 0x80)
        {
            position += 2 + columnValue[position + 1];
        }

        while ((uint)(position + 1) < (uint)columnValue.Length && columnValue[position] == (byte)ArrayValueTag && columnValue[position + 1] < 0x80)
        {
            var start = position + 2;
            var element = columnValue.Slice(start, Math.Min(columnValue[position + 1], columnValue.Length - start));
            position = start + element.Length;
            if (element.Length >= 4 && element[0] == (byte)TypedValueFields.TypeTag && element[1] == StringRep
                && element[2] == (byte)TypedValueFields.StringTag && element[3] == element.Length - 4)
            {
                row.AddElement(ordinal, offset + start + 4, element.Length - 4);
            }
            else if (element.Length == 4 && element[0] == (byte)TypedValueFields.TypeTag && element[1] == NullRep
                && element[2] == (byte)TypedValueFields.NullTag && element[3] == 1)
            {
                row.AddNullElement(ordinal);
            }
            else
            {
                return GiveUp(row, mark);
            }
        }

        return position + 2 == columnValue.Length && columnValue[position] == (byte)HasArrayValueTag && columnValue[position + 1] == 1
            || GiveUp(row, mark);
    }

    private static bool GiveUp(WireRow row, (int Elements, int TextBytes) mark)
    {
        row.TakeBack(mark);
        return false;
    }

    private static void Scalar(ReadOnlySpan<byte> typedValue, ColumnKind kind, string name, WireRow row, int ordinal)
    {
        var value = TypedValueFields.Read(typedValue);
        if (value.IsNull)
        {
            row.SetNull(ordinal);
            return;
        }

        switch (kind)
        {
            case ColumnKind.String:
                row.SetText(ordinal, value.Text);
                break;
            case ColumnKind.StringArray when value.Elements > 0 || value.Type == ArrayRep:
                Elements(typedValue, TypedValueFields.ElementTag, row, ordinal);
                break;
            case ColumnKind.StringArray:
                throw new InvalidDataException($"Column {name} ({kind}) arrived as a scalar");
            default:
                row.SetNumber(ordinal, value.Number);
                break;
        }
    }

    /// <summary>The text elements under <paramref name="tag"/> in <paramref name="message"/>; a NULL element (null = true) stays NULL.</summary>
    private static void Elements(ReadOnlySpan<byte> message, uint tag, WireRow row, int ordinal)
    {
        row.BeginArray(ordinal);
        var position = 0;
        while (position < message.Length)
        {
            var fieldTag = WireSpan.Tag(message, ref position);
            if (fieldTag == tag)
            {
                var element = TypedValueFields.Read(WireSpan.LengthDelimited(message, ref position));
                row.AddElement(ordinal, element.IsNull, element.Text);
            }
            else
            {
                position = WireSpan.Skip(message, position, fieldTag);
            }
        }
    }
}
