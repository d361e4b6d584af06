using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// The sort keys <c>(c, opd, et, st, ste)</c> seen so far in one window, kept as 64-bit fingerprints of a 128-bit hash
/// in an open-addressing table filled to at most three quarters: 11 to 21 bytes a row of the current window, 32 while
/// the table grows. A false repeat needs two keys of the window with equal fingerprints: odds about n^2 / 2^65 for n
/// distinct keys, one in 37 million for a 1M-row window. Cleared per window, it keeps its capacity.
/// </summary>
public sealed class DuplicateKeys
{
    /// <summary>The sort key's source ordinals and whether each is a text, read once from <see cref="Columns"/>.</summary>
    private readonly (int Ordinal, bool IsText)[] _key =
        [.. Columns.SortKeyOrdinals.Select(ordinal => (ordinal, Columns.Source[ordinal].Kind == ColumnKind.String))];

    private ulong[] _slots = new ulong[1 << 12];
    private int _count;

    /// <summary>True when an earlier row of the window had the same sort key; records the key.</summary>
    public bool IsRepeat(WireRow row) => IsRepeat(KeyOf(row));

    /// <summary>As <see cref="IsRepeat(WireRow)"/>, for the key <see cref="KeyOf"/> gave.</summary>
    public bool IsRepeat(ulong key) => !Add(key);

    /// <summary>
    /// The row's key, its table slot asked of memory at once (a prefetch, which does not wait): a window's table is
    /// larger than the caches the row data streams through, so a lookup right away waits on memory. The caller does
    /// other work (the transform checks the row) before <see cref="IsRepeat(ulong)"/>.
    /// </summary>
    public ulong KeyOf(WireRow row)
    {
        var key = Hash(row);
        if (Sse.IsSupported)
        {
            unsafe
            {
                // only a hint: an address the GC has since moved is harmless
                Sse.Prefetch0(Unsafe.AsPointer(ref _slots[Slot(key, _slots.Length - 1)]));
            }
        }

        return key;
    }

    private ulong Hash(WireRow row)
    {
        ulong a = 14695981039346656037UL, b = 1099511628211UL ^ 0x9E3779B97F4A7C15UL;
        foreach (var (ordinal, isText) in _key)
        {
            if (row.IsNull(ordinal))
            {
                Mix(ref a, ref b, 0xFFFF_FFFF_0000_0001UL);
            }
            else if (isText)
            {
                // eight bytes a step, then the rest one by one (equal texts have equal UTF-8 bytes)
                var text = row.Utf8(ordinal);
                foreach (var chunk in MemoryMarshal.Cast<byte, ulong>(text))
                {
                    Mix(ref a, ref b, chunk);
                }

                foreach (var octet in text[(text.Length & ~7)..])
                {
                    Mix(ref a, ref b, octet);
                }

                Mix(ref a, ref b, (ulong)text.Length << 32);
            }
            else
            {
                Mix(ref a, ref b, (ulong)row.Number(ordinal));
            }
        }

        var key = Fingerprint(a, b);
        return key == 0 ? 1 : key; // zero marks an empty slot, so a zero key counts as one
    }

    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    /// <summary>Adds <paramref name="key"/> (never 0); false when it was there.</summary>
    private bool Add(ulong key)
    {
        if (_count >= _slots.Length - (_slots.Length >> 2))
        {
            Grow();
        }

        var mask = _slots.Length - 1;
        for (var i = Slot(key, mask); ; i = (i + 1) & mask)
        {
            if (_slots[i] == key)
            {
                return false;
            }

            if (_slots[i] == 0)
            {
                _slots[i] = key;
                _count++;
                return true;
            }
        }
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var key in old)
        {
            if (key != 0)
            {
                var i = Slot(key, mask);
                while (_slots[i] != 0)
                {
                    i = (i + 1) & mask;
                }

                _slots[i] = key;
            }
        }
    }

    /// <summary>The fingerprint's high bits: it is already well mixed.</summary>
    private static int Slot(ulong key, int mask) => (int)(key >> 32) & mask;

    /// <summary>
    /// 64 bits of the 128-bit state (a, b): equal only when the states are, or by a 2^-64 chance. Both halves go through
    /// a bijective mixer (MurmurHash3's finalizer), as the FNV half alone is weak on eight-byte steps.
    /// </summary>
    private static ulong Fingerprint(ulong a, ulong b) => Finalize(a ^ Finalize(b));

    private static ulong Finalize(ulong x)
    {
        x = (x ^ (x >> 33)) * 0xFF51AFD7ED558CCDUL;
        x = (x ^ (x >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return x ^ (x >> 33);
    }

    private static void Mix(ref ulong a, ref ulong b, ulong value)
    {
        a = (a ^ value) * 1099511628211UL;
        b = ulong.RotateLeft(b ^ (value * 0x9E3779B97F4A7C15UL), 29) * 0xBF58476D1CE4E5B9UL;
    }
}
