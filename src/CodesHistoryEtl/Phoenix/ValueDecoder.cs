using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// One Avatica <c>ColumnValue</c> / <c>TypedValue</c> to a <see cref="FieldValue"/>, read with locals in one
/// pass each (this runs 31 times a row).
/// </summary>
internal static class ValueDecoder
{
    // ColumnValue { value = 1; array_value = 2; has_array_value = 3; scalar_value = 4 }
    private const uint ValueTag = (1 << 3) | ProtoReader.LengthDelimited;
    private const uint ArrayValueTag = (2 << 3) | ProtoReader.LengthDelimited;
    private const uint HasArrayValueTag = (3 << 3) | ProtoReader.Varint;
    private const uint ScalarValueTag = (4 << 3) | ProtoReader.LengthDelimited;

    // TypedValue { type = 1; string_value = 3; number_value = 4 (sint64); null = 7; array_value = 8 }
    private const uint TypeTag = (1 << 3) | ProtoReader.Varint;
    private const uint StringTag = (3 << 3) | ProtoReader.LengthDelimited;
    private const uint NumberTag = (4 << 3) | ProtoReader.Varint;
    private const uint NullTag = (7 << 3) | ProtoReader.Varint;
    private const uint ElementTag = (8 << 3) | ProtoReader.LengthDelimited;
    private const int ArrayRep = 27;

    public static FieldValue Column(ReadOnlySpan<byte> columnValue, ColumnKind kind, string name, StringPool pool)
    {
        var reader = new ProtoReader(columnValue);
        bool hasArray = false, hasScalar = false;
        int arrayCount = 0, valueCount = 0;
        ReadOnlySpan<byte> scalar = default, firstValue = default;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            switch (tag)
            {
                case ValueTag:
                    var value = reader.ReadLengthDelimited();
                    if (valueCount++ == 0)
                    {
                        firstValue = value;
                    }

                    break;
                case ScalarValueTag:
                    scalar = reader.ReadLengthDelimited();
                    hasScalar = true;
                    break;
                case ArrayValueTag:
                    reader.ReadLengthDelimited();
                    arrayCount++;
                    break;
                case HasArrayValueTag:
                    hasArray = reader.ReadBool();
                    break;
                default:
                    reader.Skip(tag);
                    break;
            }
        }

        if (hasArray)
        {
            return kind == ColumnKind.StringArray
                ? FieldValue.FromArray(Elements(columnValue, ArrayValueTag, arrayCount, pool))
                : throw new InvalidDataException($"Column {name} ({kind}) arrived as an array");
        }

        if (hasScalar)
        {
            return Scalar(scalar, kind, name, pool);
        }

        if (kind == ColumnKind.StringArray)
        {
            return FieldValue.FromArray(Elements(columnValue, ValueTag, valueCount, pool));
        }

        return valueCount == 1 ? Scalar(firstValue, kind, name, pool) : throw new InvalidDataException($"Column {name} carries no value");
    }

    private static FieldValue Scalar(ReadOnlySpan<byte> typedValue, ColumnKind kind, string name, StringPool pool)
    {
        var reader = new ProtoReader(typedValue);
        int type = 0, elements = 0;
        var isNull = false;
        long number = 0;
        ReadOnlySpan<byte> text = default;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            switch (tag)
            {
                case StringTag:
                    text = reader.ReadLengthDelimited();
                    break;
                case NumberTag:
                    number = reader.ReadSInt64();
                    break;
                case TypeTag:
                    type = (int)reader.ReadVarint();
                    break;
                case NullTag:
                    isNull = reader.ReadBool();
                    break;
                case ElementTag:
                    reader.ReadLengthDelimited();
                    elements++;
                    break;
                default:
                    reader.Skip(tag);
                    break;
            }
        }

        if (isNull)
        {
            return FieldValue.Null;
        }

        return kind switch
        {
            ColumnKind.String => FieldValue.FromText(pool.Get(text)),
            ColumnKind.StringArray when elements > 0 || type == ArrayRep => FieldValue.FromArray(Elements(typedValue, ElementTag, elements, pool)),
            ColumnKind.StringArray => throw new InvalidDataException($"Column {name} ({kind}) arrived as a scalar"),
            _ => FieldValue.FromNumber(number),
        };
    }

    /// <summary>The text elements under <paramref name="tag"/> in <paramref name="message"/>; a NULL element stays null.</summary>
    private static string?[] Elements(ReadOnlySpan<byte> message, uint tag, int count, StringPool pool)
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

            var element = reader.ReadLengthDelimited();
            elements[i++] = IsNull(element) ? null : pool.Get(Text(element));
        }

        return elements;
    }

    private static bool IsNull(ReadOnlySpan<byte> typedValue) => Field(typedValue, NullTag, out _, out var flag) && flag != 0;

    private static ReadOnlySpan<byte> Text(ReadOnlySpan<byte> typedValue) => Field(typedValue, StringTag, out var text, out _) ? text : default;

    /// <summary>The last occurrence of one field of a TypedValue (proto3: the last one wins).</summary>
    private static bool Field(ReadOnlySpan<byte> typedValue, uint wanted, out ReadOnlySpan<byte> bytes, out ulong varint)
    {
        var reader = new ProtoReader(typedValue);
        var found = false;
        bytes = default;
        varint = 0;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == wanted)
            {
                found = true;
                if ((tag & 7) == ProtoReader.LengthDelimited)
                {
                    bytes = reader.ReadLengthDelimited();
                }
                else
                {
                    varint = reader.ReadVarint();
                }
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return found;
    }
}
