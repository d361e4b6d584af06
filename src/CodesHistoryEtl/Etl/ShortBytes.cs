using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Copying and searching the short texts a row is made of (most under 32 bytes), inline, by two overlapping blocks:
/// the runtime's copy and search are calls whose set-up costs more than the work at these sizes (measured: ~26
/// and ~47 instructions a call, ~45 and ~20 calls a row). Longer texts go to the runtime's own. Every access is
/// within the spans: lengths are checked before any block is read or written.
/// </summary>
internal static class ShortBytes
{
    private const int Short = 32;

    /// <summary>As <c>source.CopyTo(destination)</c> (which it calls for long texts, and to throw when <paramref name="destination"/> is too short).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var length = source.Length;
        if (length > Short || length > destination.Length)
        {
            source.CopyTo(destination);
            return;
        }

        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(destination);
        if (length >= 16)
        {
            var head = Vector128.LoadUnsafe(ref from);
            var tail = Vector128.LoadUnsafe(ref from, (nuint)(length - 16));
            head.StoreUnsafe(ref to);
            tail.StoreUnsafe(ref to, (nuint)(length - 16));
        }
        else if (length >= 8)
        {
            var head = Unsafe.ReadUnaligned<ulong>(ref from);
            var tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, length - 8));
            Unsafe.WriteUnaligned(ref to, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, length - 8), tail);
        }
        else if (length >= 4)
        {
            var head = Unsafe.ReadUnaligned<uint>(ref from);
            var tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref from, length - 4));
            Unsafe.WriteUnaligned(ref to, head);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, length - 4), tail);
        }
        else if (length > 0)
        {
            var first = from;
            var middle = Unsafe.Add(ref from, length / 2);
            var last = Unsafe.Add(ref from, length - 1);
            to = first;
            Unsafe.Add(ref to, length / 2) = middle;
            Unsafe.Add(ref to, length - 1) = last;
        }
    }

    /// <summary>As <c>text.Contains(value)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Contains(ReadOnlySpan<byte> text, byte value)
    {
        var length = text.Length;
        if (length > Short)
        {
            return text.Contains(value);
        }

        ref var start = ref MemoryMarshal.GetReference(text);
        if (length >= 16)
        {
            var wanted = Vector128.Create(value);
            return Vector128.EqualsAny(Vector128.LoadUnsafe(ref start), wanted)
                || Vector128.EqualsAny(Vector128.LoadUnsafe(ref start, (nuint)(length - 16)), wanted);
        }

        if (length >= 8)
        {
            return HasByte(Unsafe.ReadUnaligned<ulong>(ref start), value)
                || HasByte(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8)), value);
        }

        for (var i = 0; i < length; i++)
        {
            if (Unsafe.Add(ref start, i) == value)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="text"/> is at most 32 bytes, all ASCII (so valid UTF-8); false says nothing about a longer text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsShortAscii(ReadOnlySpan<byte> text)
    {
        var length = text.Length;
        ref var start = ref MemoryMarshal.GetReference(text);
        if (length >= 16)
        {
            return length <= Short
                && (Vector128.LoadUnsafe(ref start) | Vector128.LoadUnsafe(ref start, (nuint)(length - 16))).ExtractMostSignificantBits() == 0;
        }

        if (length >= 8)
        {
            return ((Unsafe.ReadUnaligned<ulong>(ref start) | Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, length - 8))) & 0x8080_8080_8080_8080) == 0;
        }

        if (length >= 4)
        {
            return ((Unsafe.ReadUnaligned<uint>(ref start) | Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, length - 4))) & 0x8080_8080) == 0;
        }

        return length == 0 || ((start | Unsafe.Add(ref start, length / 2) | Unsafe.Add(ref start, length - 1)) & 0x80) == 0;
    }

    /// <summary>Whether any byte of <paramref name="word"/> is <paramref name="value"/> (the classic zero-byte test on word ^ value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasByte(ulong word, byte value)
    {
        const ulong ones = 0x0101_0101_0101_0101;
        var x = word ^ (ones * value);
        return ((x - ones) & ~x & (ones * 0x80)) != 0;
    }
}
