using System.Runtime.InteropServices;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// Decodes the UTF-8 texts of one column (invalid bytes kept visible: <see cref="WireUtf8"/>), handing out the
/// same string for the same bytes while the column repeats itself (names, INNs, GTINs): a hit costs a hash and a
/// compare instead of an allocation. A column whose values rarely repeat (codes, ids) turns the pool off after
/// its first 4096 texts, so unique values pay nothing extra. Not thread-safe (one per decoder, one decoder per client).
/// </summary>
internal sealed class StringPool
{
    private const int Slots = 1024;
    private const int MaxBytes = 64;
    private const int Probation = 4096;

    private readonly (byte[] Utf8, string Text)[] _slots = new (byte[], string)[Slots];
    private int _lookups;
    private int _hits;
    private bool _off;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        if (_off || utf8.Length > MaxBytes)
        {
            return WireUtf8.Decode(utf8);
        }

        ref var slot = ref _slots[Hash(utf8) & (Slots - 1)];
        if (slot.Utf8 is { } known && utf8.SequenceEqual(known))
        {
            _hits++;
            return slot.Text;
        }

        var text = WireUtf8.Decode(utf8);
        slot = (utf8.ToArray(), text);
        if (++_lookups == Probation)
        {
            _off = _hits < Probation / 4;
        }

        return text;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        ulong head, tail;
        if (bytes.Length >= 8)
        {
            head = MemoryMarshal.Read<ulong>(bytes);
            tail = MemoryMarshal.Read<ulong>(bytes[^8..]);
        }
        else
        {
            head = 0;
            foreach (var b in bytes)
            {
                head = (head << 8) | b;
            }

            tail = 0;
        }

        var mixed = ((head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL)) + (ulong)bytes.Length;
        return (int)(mixed >> 40);
    }
}
