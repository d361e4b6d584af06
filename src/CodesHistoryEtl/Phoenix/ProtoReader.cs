using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// A forward-only reader of protobuf wire format over a span, for the hot path (frames) where the generated
/// object model allocates too much. Malformed input throws <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> buffer)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly bool End => _position >= _buffer.Length;

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>The next tag (field number &lt;&lt; 3 | wire type).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadTag()
    {
        var tag = ReadVarint();
        if (tag is 0 or > uint.MaxValue)
        {
            Fail($"Invalid protobuf tag {tag} at byte {_position}");
        }

        return (uint)tag;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        // Tags, lengths under 128 and small numbers are one byte: the common case.
        if ((uint)_position < (uint)_buffer.Length && _buffer[_position] < 0x80)
        {
            return _buffer[_position++];
        }

        return ReadVarintSlow();
    }

    public bool ReadBool() => ReadVarint() != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            Fail($"Protobuf field of {length} bytes overruns its message at byte {_position}");
        }

        var slice = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public void Skip(uint tag)
    {
        switch ((int)(tag & 7))
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Advance(8);
                break;
            case LengthDelimited:
                ReadLengthDelimited();
                break;
            case Fixed32:
                Advance(4);
                break;
            default:
                Fail($"Unsupported protobuf wire type {tag & 7} at byte {_position}");
                break;
        }
    }

    public static long DecodeZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    public static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);

    private ulong ReadVarintSlow()
    {
        (var value, _position) = WireSpan.VarintSlow(_buffer, _position);
        return value;
    }

    private void Advance(int count)
    {
        if (count > _buffer.Length - _position)
        {
            Fail("Truncated protobuf fixed-width field");
        }

        _position += count;
    }

    [DoesNotReturn]
    private static void Fail(string message) => throw new InvalidDataException(message);
}
