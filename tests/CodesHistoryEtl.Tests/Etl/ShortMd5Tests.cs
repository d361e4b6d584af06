using System.Security.Cryptography;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.Etl;

public sealed class ShortMd5Tests
{
    [Fact]
    public void Digest_equals_the_platform_md5_for_every_length_that_fits_one_block()
    {
        var random = new Random(17);
        Span<byte> digest = stackalloc byte[16];
        for (var length = 0; length <= ShortMd5.MaxLength; length++)
        {
            for (var sample = 0; sample < 20; sample++)
            {
                var data = new byte[length];
                random.NextBytes(data);

                ShortMd5.Hash(data, digest);

                Assert.Equal(MD5.HashData(data), digest.ToArray());
            }
        }
    }

    [Fact]
    public void Known_answer_from_rfc_1321() =>
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Convert.ToHexStringLower(Digest("abc"u8)));

    private static byte[] Digest(ReadOnlySpan<byte> data)
    {
        var digest = new byte[16];
        ShortMd5.Hash(data, digest);
        return digest;
    }
}
