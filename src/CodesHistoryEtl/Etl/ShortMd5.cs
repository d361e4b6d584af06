using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

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

    /// <summary>Writes the 16-byte digest of <paramref name="data"/> (at most <see cref="MaxLength"/> bytes).</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, MaxLength, nameof(data));
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        data.CopyTo(block);
        block[data.Length] = 0x80;
        BinaryPrimitives.WriteUInt64LittleEndian(block[56..], (ulong)data.Length * 8);
        Span<uint> x = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
        }

        // RFC 1321's 64 steps written out, each step's K (floor(2^32 * |sin(i + 1)|)) and shift a constant: no table
        // reads, no loop, no per-step choice of round
        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        a = F(a, b, c, d, x[0] + 0xd76aa478, 7);
        d = F(d, a, b, c, x[1] + 0xe8c7b756, 12);
        c = F(c, d, a, b, x[2] + 0x242070db, 17);
        b = F(b, c, d, a, x[3] + 0xc1bdceee, 22);
        a = F(a, b, c, d, x[4] + 0xf57c0faf, 7);
        d = F(d, a, b, c, x[5] + 0x4787c62a, 12);
        c = F(c, d, a, b, x[6] + 0xa8304613, 17);
        b = F(b, c, d, a, x[7] + 0xfd469501, 22);
        a = F(a, b, c, d, x[8] + 0x698098d8, 7);
        d = F(d, a, b, c, x[9] + 0x8b44f7af, 12);
        c = F(c, d, a, b, x[10] + 0xffff5bb1, 17);
        b = F(b, c, d, a, x[11] + 0x895cd7be, 22);
        a = F(a, b, c, d, x[12] + 0x6b901122, 7);
        d = F(d, a, b, c, x[13] + 0xfd987193, 12);
        c = F(c, d, a, b, x[14] + 0xa679438e, 17);
        b = F(b, c, d, a, x[15] + 0x49b40821, 22);
        a = G(a, b, c, d, x[1] + 0xf61e2562, 5);
        d = G(d, a, b, c, x[6] + 0xc040b340, 9);
        c = G(c, d, a, b, x[11] + 0x265e5a51, 14);
        b = G(b, c, d, a, x[0] + 0xe9b6c7aa, 20);
        a = G(a, b, c, d, x[5] + 0xd62f105d, 5);
        d = G(d, a, b, c, x[10] + 0x02441453, 9);
        c = G(c, d, a, b, x[15] + 0xd8a1e681, 14);
        b = G(b, c, d, a, x[4] + 0xe7d3fbc8, 20);
        a = G(a, b, c, d, x[9] + 0x21e1cde6, 5);
        d = G(d, a, b, c, x[14] + 0xc33707d6, 9);
        c = G(c, d, a, b, x[3] + 0xf4d50d87, 14);
        b = G(b, c, d, a, x[8] + 0x455a14ed, 20);
        a = G(a, b, c, d, x[13] + 0xa9e3e905, 5);
        d = G(d, a, b, c, x[2] + 0xfcefa3f8, 9);
        c = G(c, d, a, b, x[7] + 0x676f02d9, 14);
        b = G(b, c, d, a, x[12] + 0x8d2a4c8a, 20);
        a = H(a, b, c, d, x[5] + 0xfffa3942, 4);
        d = H(d, a, b, c, x[8] + 0x8771f681, 11);
        c = H(c, d, a, b, x[11] + 0x6d9d6122, 16);
        b = H(b, c, d, a, x[14] + 0xfde5380c, 23);
        a = H(a, b, c, d, x[1] + 0xa4beea44, 4);
        d = H(d, a, b, c, x[4] + 0x4bdecfa9, 11);
        c = H(c, d, a, b, x[7] + 0xf6bb4b60, 16);
        b = H(b, c, d, a, x[10] + 0xbebfbc70, 23);
        a = H(a, b, c, d, x[13] + 0x289b7ec6, 4);
        d = H(d, a, b, c, x[0] + 0xeaa127fa, 11);
        c = H(c, d, a, b, x[3] + 0xd4ef3085, 16);
        b = H(b, c, d, a, x[6] + 0x04881d05, 23);
        a = H(a, b, c, d, x[9] + 0xd9d4d039, 4);
        d = H(d, a, b, c, x[12] + 0xe6db99e5, 11);
        c = H(c, d, a, b, x[15] + 0x1fa27cf8, 16);
        b = H(b, c, d, a, x[2] + 0xc4ac5665, 23);
        a = I(a, b, c, d, x[0] + 0xf4292244, 6);
        d = I(d, a, b, c, x[7] + 0x432aff97, 10);
        c = I(c, d, a, b, x[14] + 0xab9423a7, 15);
        b = I(b, c, d, a, x[5] + 0xfc93a039, 21);
        a = I(a, b, c, d, x[12] + 0x655b59c3, 6);
        d = I(d, a, b, c, x[3] + 0x8f0ccc92, 10);
        c = I(c, d, a, b, x[10] + 0xffeff47d, 15);
        b = I(b, c, d, a, x[1] + 0x85845dd1, 21);
        a = I(a, b, c, d, x[8] + 0x6fa87e4f, 6);
        d = I(d, a, b, c, x[15] + 0xfe2ce6e0, 10);
        c = I(c, d, a, b, x[6] + 0xa3014314, 15);
        b = I(b, c, d, a, x[13] + 0x4e0811a1, 21);
        a = I(a, b, c, d, x[4] + 0xf7537e82, 6);
        d = I(d, a, b, c, x[11] + 0xbd3af235, 10);
        c = I(c, d, a, b, x[2] + 0x2ad7d2bb, 15);
        b = I(b, c, d, a, x[9] + 0xeb86d391, 21);

        BinaryPrimitives.WriteUInt32LittleEndian(digest, 0x67452301 + a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[4..], 0xefcdab89 + b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[8..], 0x98badcfe + c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[12..], 0x10325476 + d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint F(uint a, uint b, uint c, uint d, uint xk, int shift) => b + BitOperations.RotateLeft(((b & c) | (~b & d)) + a + xk, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint G(uint a, uint b, uint c, uint d, uint xk, int shift) => b + BitOperations.RotateLeft(((d & b) | (~d & c)) + a + xk, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint H(uint a, uint b, uint c, uint d, uint xk, int shift) => b + BitOperations.RotateLeft((b ^ c ^ d) + a + xk, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint I(uint a, uint b, uint c, uint d, uint xk, int shift) => b + BitOperations.RotateLeft((c ^ (b | ~d)) + a + xk, shift);
}
