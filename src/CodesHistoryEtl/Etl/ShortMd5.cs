using System.Buffers.Binary;
using System.Numerics;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// MD5 (RFC 1321) of an input that fits one 64-byte block (at most <see cref="MaxLength"/> bytes), in managed
/// code: for a did of a few dozen bytes, the call into OpenSSL (context set-up, error-queue clearing) costs
/// several times the hashing itself. Longer inputs go to <see cref="System.Security.Cryptography.MD5"/>.
/// </summary>
internal static class ShortMd5
{
    /// <summary>Longest input that leaves room in the block for the 0x80 marker and the 8-byte bit length.</summary>
    public const int MaxLength = 55;

    // RFC 1321's tables as constant data in the image (K[i] = floor(2^32 * |sin(i + 1)|)), read without finding a
    // static array first (which cost the earlier ReadyToRun build a helper call per use).
    private static ReadOnlySpan<uint> K =>
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
        0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
        0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
        0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
        0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
        0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
        0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
        0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
        0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    private static ReadOnlySpan<byte> Shifts =>
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    /// <summary>Writes the 16-byte digest of <paramref name="data"/> (at most <see cref="MaxLength"/> bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, MaxLength, nameof(data));
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        data.CopyTo(block);
        block[data.Length] = 0x80;
        BinaryPrimitives.WriteUInt64LittleEndian(block[56..], (ulong)data.Length * 8);
        Span<uint> words = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
        }

        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        var k = K;
        var shifts = Shifts;
        for (var i = 0; i < 64; i++)
        {
            var (f, g) = (i >> 4) switch
            {
                0 => ((b & c) | (~b & d), i),
                1 => ((d & b) | (~d & c), ((5 * i) + 1) & 15),
                2 => (b ^ c ^ d, ((3 * i) + 5) & 15),
                _ => (c ^ (b | ~d), (7 * i) & 15),
            };
            f += a + k[i] + words[g];
            (a, d, c) = (d, c, b);
            b += BitOperations.RotateLeft(f, shifts[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(digest, 0x67452301 + a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[4..], 0xefcdab89 + b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[8..], 0x98badcfe + c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[12..], 0x10325476 + d);
    }
}
