using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.Etl;

public sealed class ShortBytesTests
{
    [Fact]
    public void Copy_copies_every_length_exactly_and_touches_nothing_around_it()
    {
        var source = Enumerable.Range(0, 80).Select(i => (byte)(i + 1)).ToArray();
        for (var offset = 0; offset < 3; offset++)
        {
            for (var length = 0; length <= 70; length++)
            {
                var destination = new byte[100];
                Array.Fill(destination, (byte)0xEE);

                ShortBytes.Copy(source.AsSpan(offset, length), destination.AsSpan(5, length + offset));

                Assert.Equal(source.AsSpan(offset, length).ToArray(), destination.AsSpan(5, length).ToArray());
                Assert.All(destination[..5], b => Assert.Equal(0xEE, b));
                Assert.All(destination[(5 + length)..], b => Assert.Equal(0xEE, b));
            }
        }
    }

    [Fact]
    public void Copy_into_too_short_a_destination_throws_as_CopyTo_does()
    {
        var source = new byte[10];
        Assert.Throws<ArgumentException>(() => ShortBytes.Copy(source, new byte[9]));
        Assert.Throws<ArgumentException>(() => ShortBytes.Copy(new byte[40], new byte[39]));
    }

    [Fact]
    public void Contains_finds_the_byte_at_every_place_of_every_length_and_nothing_else()
    {
        // the bytes around the searched slice hold the value too: a block read past the slice would find it
        for (var length = 0; length <= 70; length++)
        {
            var buffer = new byte[length + 40];
            Array.Fill(buffer, (byte)'"');
            var text = buffer.AsSpan(20, length);
            for (var i = 0; i < length; i++)
            {
                text[i] = (byte)('a' + (i % 26) | 0x80 * (i % 2)); // ASCII and high bytes, never the quote
            }

            Assert.False(ShortBytes.Contains(text, (byte)'"'), $"length {length}");
            for (var at = 0; at < length; at++)
            {
                var kept = text[at];
                text[at] = (byte)'"';
                Assert.True(ShortBytes.Contains(text, (byte)'"'), $"length {length}, quote at {at}");
                text[at] = kept;
            }
        }
    }

    [Fact]
    public void IsShortAscii_is_true_only_for_ascii_up_to_32_bytes_wherever_a_high_byte_sits()
    {
        // high bytes around the slice: a block read past it would see them
        for (var length = 0; length <= 40; length++)
        {
            var buffer = new byte[length + 40];
            Array.Fill(buffer, (byte)0xD0);
            var text = buffer.AsSpan(20, length);
            for (var i = 0; i < length; i++)
            {
                text[i] = (byte)(0x20 + (i % 95));
            }

            Assert.Equal(length <= 32, ShortBytes.IsShortAscii(text));
            for (var at = 0; at < length; at++)
            {
                var kept = text[at];
                text[at] = 0x80;
                Assert.False(ShortBytes.IsShortAscii(text), $"length {length}, high byte at {at}");
                text[at] = kept;
            }
        }
    }
}
