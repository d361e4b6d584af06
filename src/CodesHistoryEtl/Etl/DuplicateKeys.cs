using System.Runtime.InteropServices;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// The sort keys <c>(c, opd, et, st, ste)</c> seen so far in one window, kept as 128-bit hashes in an open-addressing
/// table (16 to 64 bytes a row of the current window; a false duplicate needs a 128-bit collision). Cleared per window,
/// it keeps its capacity.
/// </summary>
public sealed class DuplicateKeys
{
    private UInt128[] _slots = new UInt128[1 << 12];
    private int _count;

    /// <summary>True when an earlier row of the window had the same sort key; records the key.</summary>
    public bool IsRepeat(WireRow row)
    {
        ulong a = 14695981039346656037UL, b = 1099511628211UL ^ 0x9E3779B97F4A7C15UL;
        var source = Columns.Source.AsSpan();
        foreach (var ordinal in Columns.SortKeyOrdinals)
        {
            if (row.IsNull(ordinal))
            {
                Mix(ref a, ref b, 0xFFFF_FFFF_0000_0001UL);
            }
            else if (source[ordinal].Kind == ColumnKind.String)
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

        return !Add(new UInt128(a, b));
    }

    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    /// <summary>Adds <paramref name="key"/>; false when it was there. Zero marks an empty slot, so a zero key counts as one.</summary>
    private bool Add(UInt128 key)
    {
        key = key == UInt128.Zero ? UInt128.One : key;
        if (_count >= _slots.Length / 2)
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

            if (_slots[i] == UInt128.Zero)
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
        _slots = new UInt128[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var key in old)
        {
            if (key != UInt128.Zero)
            {
                var i = Slot(key, mask);
                while (_slots[i] != UInt128.Zero)
                {
                    i = (i + 1) & mask;
                }

                _slots[i] = key;
            }
        }
    }

    /// <summary>Fibonacci hashing of both halves: the FNV half alone has weak low bits.</summary>
    private static int Slot(UInt128 key, int mask) => (int)((((ulong)key ^ (ulong)(key >> 64)) * 0x9E3779B97F4A7C15UL) >> 32) & mask;

    private static void Mix(ref ulong a, ref ulong b, ulong value)
    {
        a = (a ^ value) * 1099511628211UL;
        b = ulong.RotateLeft(b ^ (value * 0x9E3779B97F4A7C15UL), 29) * 0xBF58476D1CE4E5B9UL;
    }
}
