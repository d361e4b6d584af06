using CodesHistoryEtl.Phoenix;
using Google.Protobuf;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>Varints read by WireSpan, against Google.Protobuf's own reader, at every length and wherever they end in the span.</summary>
public sealed class WireSpanTests
{
    public static TheoryData<ulong> Values => new(0, 1, 127, 128, 300, 16_383, 16_384, (1UL << 35) - 1, 1UL << 35, 3_400_000_000_000, long.MaxValue, ulong.MaxValue - 1, ulong.MaxValue);

    [Theory]
    [MemberData(nameof(Values))]
    public void A_varint_reads_as_protobuf_reads_it_with_or_without_bytes_after_it(ulong value)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            output.WriteUInt64(value);
        }

        var encoded = stream.ToArray();
        Assert.Equal(value, new CodedInputStream(encoded).ReadUInt64());
        for (var after = 0; after <= 12; after++)
        {
            var span = new byte[3 + encoded.Length + after];
            encoded.CopyTo(span, 3);
            Array.Fill(span, (byte)0xFF, 3 + encoded.Length, after); // continuation bytes after it: must not be read into it
            var position = 3;

            Assert.Equal(value, WireSpan.Varint(span, ref position));
            Assert.Equal(3 + encoded.Length, position);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(12)]
    public void A_truncated_or_overlong_varint_is_invalid_data_wherever_it_is(int after)
    {
        var truncated = new byte[] { 0x80, 0x80, 0x80 };
        Assert.Throws<InvalidDataException>(() => WireSpan.VarintSlow(truncated, 0));

        // eleven continuation bytes: longer than any varint, with or without more bytes after it
        var overlong = Enumerable.Repeat((byte)0x80, 11).Append((byte)0x01).Concat(new byte[after]).ToArray();
        Assert.Throws<InvalidDataException>(() => WireSpan.VarintSlow(overlong, 0));
    }
}
