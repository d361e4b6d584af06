using CodesHistoryEtl.Phoenix.Proto;

namespace PhoenixSim;

/// <summary>
/// A scalar column as a <c>Row</c> field, written by hand for rows assembled while serving: byte for byte
/// what <see cref="RowEncoder"/> (Google.Protobuf) writes, that is ColumnValue { value = [v]; scalar_value = v }
/// with TypedValue { type; string_value | number_value (zigzag, omitted when 0) | null }.
/// </summary>
internal static class ScalarWire
{
    private const int MaxTypedValue = 96;

    public static int Text(Span<byte> destination, ReadOnlySpan<byte> utf8)
    {
        Span<byte> typed = stackalloc byte[MaxTypedValue];
        var length = Type(typed, Rep.String);
        if (!utf8.IsEmpty)
        {
            typed[length++] = (3 << 3) | 2;
            length = Varint(typed, length, (ulong)utf8.Length);
            utf8.CopyTo(typed[length..]);
            length += utf8.Length;
        }

        return Column(destination, typed[..length]);
    }

    public static int Number(Span<byte> destination, Rep rep, long value)
    {
        Span<byte> typed = stackalloc byte[MaxTypedValue];
        var length = Type(typed, rep);
        if (value != 0)
        {
            typed[length++] = 4 << 3;
            length = Varint(typed, length, (ulong)((value << 1) ^ (value >> 63)));
        }

        return Column(destination, typed[..length]);
    }

    public static int Null(Span<byte> destination) => Column(destination, [1 << 3, (byte)Rep.Null, 7 << 3, 1]);

    /// <summary>Bytes <see cref="Text"/> writes for a text of <paramref name="utf8Length"/> bytes.</summary>
    public static int TextLength(int utf8Length) =>
        ColumnLength(TypeLength(Rep.String) + (utf8Length == 0 ? 0 : 1 + VarintSize((ulong)utf8Length) + utf8Length));

    /// <summary>Bytes <see cref="Number"/> writes.</summary>
    public static int NumberLength(Rep rep, long value) =>
        ColumnLength(TypeLength(rep) + (value == 0 ? 0 : 1 + VarintSize((ulong)((value << 1) ^ (value >> 63)))));

    /// <summary>Bytes <see cref="Null"/> writes.</summary>
    public static int NullLength { get; } = ColumnLength(4);

    private static int Type(Span<byte> typed, Rep rep)
    {
        typed[0] = 1 << 3;
        return Varint(typed, 1, (ulong)rep);
    }

    private static int TypeLength(Rep rep) => 1 + VarintSize((ulong)rep);

    private static int ColumnLength(int typed)
    {
        var inner = 2 * (1 + VarintSize((ulong)typed) + typed);
        return 1 + VarintSize((ulong)inner) + inner;
    }

    /// <summary>Row.value (field 1) holding ColumnValue { value (1) = typed; scalar_value (4) = typed }.</summary>
    private static int Column(Span<byte> destination, ReadOnlySpan<byte> typed)
    {
        var inner = 1 + VarintSize((ulong)typed.Length) + typed.Length;
        destination[0] = (1 << 3) | 2;
        var position = Varint(destination, 1, (ulong)(2 * inner));
        foreach (var field in (ReadOnlySpan<byte>)[(1 << 3) | 2, (4 << 3) | 2])
        {
            destination[position++] = field;
            position = Varint(destination, position, (ulong)typed.Length);
            typed.CopyTo(destination[position..]);
            position += typed.Length;
        }

        return position;
    }

    private static int Varint(Span<byte> destination, int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[position++] = (byte)value;
        return position;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }
}
