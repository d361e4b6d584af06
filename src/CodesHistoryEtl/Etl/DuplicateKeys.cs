using System.Runtime.InteropServices;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// The sort keys <c>(c, opd, et, st, ste)</c> seen so far in one window, kept as 128-bit hashes
/// (about 40 bytes a row of the current window; a false duplicate needs a 128-bit collision).
/// </summary>
public sealed class DuplicateKeys
{
    private readonly HashSet<UInt128> _seen = [];

    /// <summary>True when an earlier row of the window had the same sort key; records the key.</summary>
    public bool IsRepeat(SourceRow row)
    {
        ulong a = 14695981039346656037UL, b = 1099511628211UL ^ 0x9E3779B97F4A7C15UL;
        foreach (var ordinal in Columns.SortKeyOrdinals)
        {
            var value = row[ordinal];
            if (value.IsNull)
            {
                Mix(ref a, ref b, 0xFFFF_FFFF_0000_0001UL);
            }
            else if (Columns.Source[ordinal].Kind == ColumnKind.String)
            {
                // four UTF-16 units a step, then the rest one by one
                var text = value.Text.AsSpan();
                foreach (var chunk in MemoryMarshal.Cast<char, ulong>(text))
                {
                    Mix(ref a, ref b, chunk);
                }

                foreach (var ch in text[(text.Length & ~3)..])
                {
                    Mix(ref a, ref b, ch);
                }

                Mix(ref a, ref b, (ulong)value.Text.Length << 32);
            }
            else
            {
                Mix(ref a, ref b, (ulong)value.Number);
            }
        }

        return !_seen.Add(new UInt128(a, b));
    }

    public void Clear() => _seen.Clear();

    private static void Mix(ref ulong a, ref ulong b, ulong value)
    {
        a = (a ^ value) * 1099511628211UL;
        b = ulong.RotateLeft(b ^ (value * 0x9E3779B97F4A7C15UL), 29) * 0xBF58476D1CE4E5B9UL;
    }
}
