using System.Runtime.CompilerServices;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// The fields of one Avatica <c>TypedValue</c> a text, number or array needs, read in one pass:
/// <c>{ type = 1; string_value = 3; number_value = 4 (sint64); null = 7; array_value = 8 }</c>.
/// </summary>
internal readonly ref struct TypedValueFields
{
    public const uint ElementTag = (8 << 3) | ProtoReader.LengthDelimited;
    public const uint TypeTag = (1 << 3) | ProtoReader.Varint;
    public const uint StringTag = (3 << 3) | ProtoReader.LengthDelimited;
    public const uint NumberTag = (4 << 3) | ProtoReader.Varint;
    public const uint NullTag = (7 << 3) | ProtoReader.Varint;

    private TypedValueFields(int type, bool isNull, long number, ReadOnlySpan<byte> text, int elements)
    {
        Type = type;
        IsNull = isNull;
        Number = number;
        Text = text;
        Elements = elements;
    }

    /// <summary>The Rep number (21 = STRING, 13 = LONG, 24 = NULL, 27 = ARRAY ...).</summary>
    public int Type { get; }

    /// <summary>SQL NULL: only <c>null = true</c> says so.</summary>
    public bool IsNull { get; }

    public long Number { get; }

    public ReadOnlySpan<byte> Text { get; }

    /// <summary>How many array_value elements (an ARRAY parameter-style value).</summary>
    public int Elements { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TypedValueFields Read(ReadOnlySpan<byte> typedValue)
    {
        var position = 0;
        int type = 0, elements = 0;
        var isNull = false;
        long number = 0;
        ReadOnlySpan<byte> text = default;
        while (position < typedValue.Length)
        {
            var tag = WireSpan.Tag(typedValue, ref position);
            switch (tag)
            {
                case StringTag:
                    text = WireSpan.LengthDelimited(typedValue, ref position);
                    break;
                case NumberTag:
                    number = ProtoReader.DecodeZigZag(WireSpan.Varint(typedValue, ref position));
                    break;
                case TypeTag:
                    type = (int)WireSpan.Varint(typedValue, ref position);
                    break;
                case NullTag:
                    isNull = WireSpan.Varint(typedValue, ref position) != 0;
                    break;
                case ElementTag:
                    WireSpan.LengthDelimited(typedValue, ref position);
                    elements++;
                    break;
                default:
                    position = WireSpan.Skip(typedValue, position, tag);
                    break;
            }
        }

        return new TypedValueFields(type, isNull, number, text, elements);
    }
}
