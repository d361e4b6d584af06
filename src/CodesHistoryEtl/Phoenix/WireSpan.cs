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
    public static (ulong Value, int Position) VarintSlow(ReadOnlySpan<byte> span, int position) => TryVarint(span, ref position, out var value) switch
    {
        VarintRead.Read => (value, position),
        VarintRead.Truncated => throw new InvalidDataException("Truncated protobuf varint"),
        _ => throw new InvalidDataException("Protobuf varint longer than 10 bytes"),
    };

    /// <summary>
    /// The varint loop itself, which never throws: <see cref="VarintRead.Read"/> with <paramref name="position"/> moved past
    /// it, or why not (then <paramref name="position"/> is unchanged). For bytes that may still be arriving (<see cref="ArrivingFrameScan"/>).
    /// </summary>
    public static VarintRead TryVarint(ReadOnlySpan<byte> span, ref int position, out ulong value)
    {
        value = 0;
        var at = position;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)at >= (uint)span.Length)
            {
                return VarintRead.Truncated;
            }

            var b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                position = at;
                return VarintRead.Read;
            }
        }

        return VarintRead.Overlong;
    }

    private static uint BadTag(ulong tag) => throw new InvalidDataException($"Invalid protobuf tag {tag}");

    private static void Overrun(ulong length, int position) =>
        throw new InvalidDataException($"Protobuf field of {length} bytes overruns its message at byte {position}");
}

/// <summary>What <see cref="WireSpan.TryVarint"/> found.</summary>
internal enum VarintRead
{
    Read,

    /// <summary>The bytes end before the varint does.</summary>
    Truncated,

    /// <summary>Longer than the 10 bytes of a 64-bit varint.</summary>
    Overlong,
}
