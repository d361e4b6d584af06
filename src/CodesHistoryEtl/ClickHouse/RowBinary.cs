using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>ClickHouse RowBinary primitives: little-endian fixed widths, LEB128 lengths, UTF-8 strings.</summary>
public static class RowBinary
{
    public static void WriteUInt8(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteUInt32(IBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    public static void WriteInt64(IBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteVarUInt(IBufferWriter<byte> output, ulong value) => output.Advance(VarUInt(output.GetSpan(10), 0, value));

    /// <summary>A LEB128 length at <paramref name="at"/> (up to 10 bytes); returns the position after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarUInt(Span<byte> span, int at, ulong value)
    {
        if (value < 0x80)
        {
            span[at] = (byte)value; // the common case, inline: a text or array shorter than 128
            return at + 1;
        }

        return LongVarUInt(span, at, value);
    }

    /// <summary>A String of UTF-8 bytes at <paramref name="at"/>: its length, then the bytes; returns the position after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int String(Span<byte> span, int at, ReadOnlySpan<byte> utf8)
    {
        at = VarUInt(span, at, (ulong)utf8.Length);
        ShortBytes.Copy(utf8, span[at..]);
        return at + utf8.Length;
    }

    private static int LongVarUInt(Span<byte> span, int at, ulong value)
    {
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[at++] = (byte)value;
        return at;
    }

    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (maxBytes < 0x80)
        {
            // a short text (the common case): its length fits the one-byte prefix, so encode it once, in place
            var span = output.GetSpan(1 + maxBytes);
            var written = Encoding.UTF8.GetBytes(value, span[1..]);
            span[0] = (byte)written;
            output.Advance(1 + written);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt(output, (ulong)length);
        if (length > 0)
        {
            Encoding.UTF8.GetBytes(value, output.GetSpan(length));
            output.Advance(length);
        }
    }

    /// <summary>A UUID as ClickHouse stores it: the high 64 bits, then the low 64 bits, each little-endian.</summary>
    public static void WriteUuid(IBufferWriter<byte> output, Guid value)
    {
        Span<byte> bigEndian = stackalloc byte[16];
        value.TryWriteBytes(bigEndian, bigEndian: true, out _);
        var span = output.GetSpan(16);
        BinaryPrimitives.WriteUInt64LittleEndian(span, BinaryPrimitives.ReadUInt64BigEndian(bigEndian));
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]));
        output.Advance(16);
    }

    /// <summary>A DateTime: epoch seconds as UInt32. Throws when the instant is outside 1970..2106.</summary>
    public static void WriteDateTime(IBufferWriter<byte> output, long epochSeconds, string column) =>
        WriteUInt32(output, DateTimeSeconds(epochSeconds, column));

    /// <summary>Epoch seconds as a DateTime's UInt32; throws when the instant is outside 1970..2106.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint DateTimeSeconds(long epochSeconds, string column) =>
        epochSeconds is >= 0 and <= uint.MaxValue ? (uint)epochSeconds : throw NotDateTime(epochSeconds, column);

    private static InvalidOperationException NotDateTime(long epochSeconds, string column) =>
        new($"Column {column}: {epochSeconds} s since epoch does not fit ClickHouse DateTime (1970..2106); the transform should have rejected it");
}
