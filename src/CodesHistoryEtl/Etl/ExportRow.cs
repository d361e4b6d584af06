using System.Runtime.CompilerServices;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// A transformed row, ready for the CSV and ClickHouse writers: the source row (slices of its frame) plus the
/// derived <c>id</c> (md5 of did, as 32 lowercase hex bytes), <c>ts</c> (the window's upper bound, epoch ms UTC) and
/// <c>q</c>. The writers walk <see cref="Columns.TargetValues"/> and read the source slots and derived values directly;
/// the per-column accessors below are the plain way to read one column's value (tests compare through them, off the
/// hot path). A NULL <c>ch</c> reads as an empty array and a NULL element as an empty text, as ClickHouse's
/// Array(String) takes them. One instance is refilled by <see cref="RowTransformer"/> row after row, like its
/// <see cref="WireRow"/>.
/// </summary>
public sealed class ExportRow
{
    private readonly byte[] _id = new byte[32];
    private bool _hasId;

    public WireRow Source { get; private set; } = new(0);

    public long TsMillis { get; private set; }

    public byte Q { get; private set; }

    /// <summary>False when the derived id is NULL (did NULL or empty).</summary>
    public bool HasId => _hasId;

    /// <summary>The derived id's 32 lowercase hex bytes (when <see cref="HasId"/>).</summary>
    public ReadOnlySpan<byte> Id => _id;

    /// <summary>True when <paramref name="column"/> is NULL here (never for a NOT NULL target column).</summary>
    public bool IsNull(Column column) => column.SourceOrdinal switch
    {
        >= 0 => column.Nullable && Source.IsNull(column.SourceOrdinal),
        Columns.IdOrdinal => !_hasId,
        _ => false,
    };

    /// <summary>A number or DateTime (epoch ms) column's value.</summary>
    public long Number(Column column) => column.SourceOrdinal switch
    {
        >= 0 => Source.Number(column.SourceOrdinal),
        Columns.TsOrdinal => TsMillis,
        Columns.QOrdinal => Q,
        _ => throw NotA(column, "number"),
    };

    /// <summary>A text column's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Utf8(Column column) => column.SourceOrdinal switch
    {
        >= 0 => Source.Utf8(column.SourceOrdinal),
        Columns.IdOrdinal when _hasId => _id,
        _ => throw NotA(column, "text"),
    };

    /// <summary>The epoch second that holds <paramref name="epochMillis"/> (rounded down, also before 1970): a DateTime's value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long EpochSeconds(long epochMillis) => Math.DivRem(epochMillis, 1000, out var milliseconds) - (milliseconds < 0 ? 1 : 0);

    /// <summary>Elements of an array column (0 for NULL).</summary>
    public int ArrayLength(Column column) => Source.ArrayLength(column.SourceOrdinal);

    /// <summary>Element <paramref name="index"/> of an array column (empty for a NULL element).</summary>
    public ReadOnlySpan<byte> Element(Column column, int index) => Source.Element(column.SourceOrdinal, index);

    internal void Set(WireRow source, ReadOnlySpan<byte> md5, long tsMillis, byte q)
    {
        Source = source;
        _hasId = !md5.IsEmpty;
        if (_hasId)
        {
            HexLower(md5, _id);
        }

        TsMillis = tsMillis;
        Q = q;
    }

    /// <summary>A 16-byte md5 as 32 lowercase hex digits (a table lookup: the runtime's vectorized hex is slower for 16 bytes here).</summary>
    private static void HexLower(ReadOnlySpan<byte> md5, Span<byte> hex)
    {
        if (md5.Length != 16)
        {
            throw new ArgumentException($"an md5 is 16 bytes, not {md5.Length}", nameof(md5));
        }

        var digits = "0123456789abcdef"u8;
        hex = hex[..32];
        for (var i = 0; i < 16; i++)
        {
            hex[2 * i] = digits[md5[i] >> 4];
            hex[(2 * i) + 1] = digits[md5[i] & 15];
        }
    }

    private static InvalidOperationException NotA(Column column, string what) => new($"Column {column.Name} has no {what} value here");
}
