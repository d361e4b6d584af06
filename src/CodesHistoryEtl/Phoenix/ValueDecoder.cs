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

    private const int ArrayRep = 27;

    public static FieldValue Column(ReadOnlySpan<byte> columnValue, ColumnKind kind, string name, StringPool pool)
    {
        var position = 0;
        bool hasArray = false, hasScalar = false;
        int arrayCount = 0, valueCount = 0;
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
                    arrayCount++;
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
        var value = TypedValueFields.Read(typedValue);
        if (value.IsNull)
        {
            return FieldValue.Null;
        }

        return kind switch
        {
            ColumnKind.String => FieldValue.FromText(pool.Get(value.Text)),
            ColumnKind.StringArray when value.Elements > 0 || value.Type == ArrayRep =>
                FieldValue.FromArray(Elements(typedValue, TypedValueFields.ElementTag, value.Elements, pool)),
            ColumnKind.StringArray => throw new InvalidDataException($"Column {name} ({kind}) arrived as a scalar"),
            _ => FieldValue.FromNumber(value.Number),
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
        var position = 0;
        var i = 0;
        while (position < message.Length)
        {
            var fieldTag = WireSpan.Tag(message, ref position);
            if (fieldTag == tag)
            {
                elements[i++] = Element(WireSpan.LengthDelimited(message, ref position), pool);
            }
            else
            {
                position = WireSpan.Skip(message, position, fieldTag);
            }
        }

        return elements;
    }

    /// <summary>One array element: a TypedValue holding a text, or NULL (null = true).</summary>
    private static string? Element(ReadOnlySpan<byte> typedValue, StringPool pool)
    {
        var value = TypedValueFields.Read(typedValue);
        return value.IsNull ? null : pool.Get(value.Text);
    }
}
