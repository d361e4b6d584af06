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

    private static readonly uint[] K = Enumerable.Range(1, 64).Select(i => (uint)(long)Math.Floor(Math.Abs(Math.Sin(i)) * 4294967296.0)).ToArray();

    private static readonly int[] Shifts =
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
        for (var i = 0; i < 64; i++)
        {
            var (f, g) = (i >> 4) switch
            {
                0 => ((b & c) | (~b & d), i),
                1 => ((d & b) | (~d & c), ((5 * i) + 1) & 15),
                2 => (b ^ c ^ d, ((3 * i) + 5) & 15),
                _ => (c ^ (b | ~d), (7 * i) & 15),
            };
            f += a + K[i] + words[g];
            (a, d, c) = (d, c, b);
            b += BitOperations.RotateLeft(f, Shifts[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(digest, 0x67452301 + a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[4..], 0xefcdab89 + b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[8..], 0x98badcfe + c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[12..], 0x10325476 + d);
    }
}
