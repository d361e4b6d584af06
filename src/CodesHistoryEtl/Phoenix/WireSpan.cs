using System.Runtime.CompilerServices;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// Protobuf primitives over a span and a position held in the caller's local, for the per-value hot loop:
/// once inlined the position stays in a register (a <see cref="ProtoReader"/> passed by reference does not).
/// </summary>
internal static class WireSpan
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Varint(ReadOnlySpan<byte> span, scoped ref int position)
    {
        if ((uint)position < (uint)span.Length && span[position] < 0x80)
        {
            return span[position++];
        }

        (var value, position) = VarintSlow(span, position);
        return value;
    }

    /// <summary>A field tag: never 0, never past uint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Tag(ReadOnlySpan<byte> span, scoped ref int position)
    {
        var tag = Varint(span, ref position);
        return tag is 0 or > uint.MaxValue ? BadTag(tag) : (uint)tag;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> LengthDelimited(ReadOnlySpan<byte> span, scoped ref int position)
    {
        var length = Varint(span, ref position);
        if (length > (ulong)(span.Length - position))
        {
            Overrun(length, position);
        }

        var slice = span.Slice(position, (int)length);
        position += (int)length;
        return slice;
    }

    /// <summary>Skips the value of a field with <paramref name="tag"/> and returns the new position.</summary>
    public static int Skip(ReadOnlySpan<byte> span, int position, uint tag)
    {
        var reader = new ProtoReader(span[position..]);
        reader.Skip(tag);
        return position + reader.Position;
    }

    /// <summary>
    /// A varint of any length from <paramref name="position"/>, byte by byte: the path for two bytes or more (a row's
    /// length, a timestamp's milliseconds), also <see cref="ProtoReader"/>'s. Malformed input throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static (ulong Value, int Position) VarintSlow(ReadOnlySpan<byte> span, int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)position >= (uint)span.Length)
            {
                throw new InvalidDataException("Truncated protobuf varint");
            }

            var b = span[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (result, position);
            }
        }

        throw new InvalidDataException("Protobuf varint longer than 10 bytes");
    }

    private static uint BadTag(ulong tag) => throw new InvalidDataException($"Invalid protobuf tag {tag}");

    private static void Overrun(ulong length, int position) =>
        throw new InvalidDataException($"Protobuf field of {length} bytes overruns its message at byte {position}");
}
