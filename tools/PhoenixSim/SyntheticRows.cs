using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>
/// A big synthetic table in little memory (millions of rows: tens of MB, ready in a second). Each row's key
/// columns c, t, opd and its did are its own, derived from (seed, row number) by a hash; the other 27 columns
/// are one of <see cref="PoolSize"/> pre-encoded bodies drawn from <see cref="SyntheticData"/> rows. Per row only its
/// place in an index by hour of opd is stored (4 bytes); serving a row writes its four own columns and copies its body.
/// Scan order is row order (c carries the row number); every 40th row repeats the previous row's c, opd and body with t + 1, so the
/// sort key (c, opd, et, st, ste) repeats as in the small generator. Same seed, same rows.
/// </summary>
internal sealed class SyntheticRows : SimRows
{
    /// <summary>Distinct bodies: enough that a did-like column never looks repetitive to a string pool.</summary>
    public const int PoolSize = 8192;

    private const long Hour = 3_600_000;
    private const long Day = 24 * Hour;
    private const int OwnColumns = 4; // c, t, opd, did
    private const int SerialDigits = 9;

    /// <summary>did is the row's hash in 16 lowercase hex digits (as <c>x16</c> formats it).</summary>
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>c: a fixed prefix, the row number (so scan order is row order), a check letter, sometimes a GS1 tail.</summary>
    private static readonly TextColumnTemplate[] CodeColumns =
    [
        new("0104601234567890215" + new string('#', SerialDigits + 1)),
        new("0104601234567890215" + new string('#', SerialDigits + 1) + "\u001d91EE07"),
    ];

    private static readonly TextColumnTemplate DidColumn = new(new string('#', 16));

    /// <summary>The field of t for each value it takes (0..11, one more in a repeat).</summary>
    private static readonly byte[][] TColumns = Enumerable.Range(0, 13).Select(t =>
    {
        var field = new byte[ScalarWire.NumberLength(Rep.Byte, t)];
        ScalarWire.Number(field, Rep.Byte, t);
        return field;
    }).ToArray();

    private static readonly ColumnKind[] Kinds = Columns.Source.Select(c => c.Kind).ToArray();

    private readonly ulong _seed;
    private readonly int _rowsPerDay;
    private readonly long _start;

    /// <summary>
    /// Every row number grouped by the hour of the table its opd falls in, in row order within an hour: the rows of hour h
    /// are <c>_byHour[_hourStarts[h].._hourStarts[h + 1]]</c>. A window of an hour or less reads one group instead of
    /// testing every row of the table (24 times a day: more CPU than serving the rows).
    /// </summary>
    private readonly int[] _byHour;
    private readonly int[] _hourStarts;

    /// <summary>
    /// The bodies end to end: body i is <c>_bodyBytes[_bodyStarts[i].._bodyStarts[i + 1]]</c>. Its length comes from the small
    /// starts array, not from one of 8192 arrays scattered over megabytes: counting a frame's bytes touches no body.
    /// </summary>
    private readonly byte[] _bodyBytes;
    private readonly int[] _bodyStarts;
    private readonly bool[] _bodyHasArray;

    public SyntheticRows(int seed, DateOnly from, int days, int rowsPerDay, IReadOnlyList<Rep> reps)
    {
        if (Columns.DidOrdinal != OwnColumns - 1 || (long)days * rowsPerDay >= 1_000_000_000)
        {
            throw new ArgumentException("the compact synthetic table needs columns c, t, opd, did first and fewer than 10^9 rows");
        }

        _seed = (ulong)seed;
        _rowsPerDay = rowsPerDay;
        var pool = SyntheticData.Generate(seed, from, 1, PoolSize);
        var arrayOrdinal = Columns.SourceOrdinalOf("ch");
        var bodies = pool.Select(r => Body(RowEncoder.Encode(r.Values, reps))).ToArray();
        _bodyBytes = bodies.SelectMany(b => b).ToArray();
        _bodyStarts = new int[PoolSize + 1];
        for (var i = 0; i < PoolSize; i++)
        {
            _bodyStarts[i + 1] = _bodyStarts[i] + bodies[i].Length;
        }

        _bodyHasArray = pool.Select(r => !r[arrayOrdinal].IsNull).ToArray();

        _start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        _byHour = new int[days * rowsPerDay];
        _hourStarts = new int[days * 24 + 1];
        for (var row = 0; row < _byHour.Length; row++)
        {
            _hourStarts[HourOf(Own(row).Opd) + 1]++;
        }

        for (var hour = 1; hour < _hourStarts.Length; hour++)
        {
            _hourStarts[hour] += _hourStarts[hour - 1];
        }

        var next = _hourStarts[..^1];
        for (var row = 0; row < _byHour.Length; row++)
        {
            _byHour[next[HourOf(Own(row).Opd)]++] = row;
        }
    }

    public override int Count => _byHour.Length;

    public override int[] IndexesIn(long from, long to)
    {
        var end = HourStart(_hourStarts.Length - 1);
        if (from >= to || to <= _start || from >= end)
        {
            return [];
        }

        var (first, last) = (HourOf(Math.Max(from, _start)), HourOf(Math.Min(to, end) - 1));
        var hits = new List<int>();
        for (var hour = first; hour <= last; hour++)
        {
            var whole = from <= HourStart(hour) && HourStart(hour + 1) <= to;
            foreach (var row in _byHour.AsSpan(_hourStarts[hour].._hourStarts[hour + 1]))
            {
                if (whole || (Own(row).Opd >= from && Own(row).Opd < to))
                {
                    hits.Add(row);
                }
            }
        }

        return last == first ? [.. hits] : InRowOrder(hits, first / 24 * _rowsPerDay, (last / 24 + 1) * _rowsPerDay);
    }

    /// <summary>
    /// The rows of several hours in row order: each hour's are, the hours' together are not. They all lie in the rows of
    /// their days, <c>[lowRow, highRow)</c>: marking them there and reading the marks back costs less than sorting.
    /// </summary>
    private static int[] InRowOrder(List<int> rows, int lowRow, int highRow)
    {
        var marks = new bool[highRow - lowRow];
        foreach (var row in rows)
        {
            marks[row - lowRow] = true;
        }

        var ordered = new int[rows.Count];
        for (int i = 0, next = 0; next < ordered.Length; i++)
        {
            if (marks[i])
            {
                ordered[next++] = lowRow + i;
            }
        }

        return ordered;
    }

    public override int EncodedLength(int index)
    {
        var own = Own(index);
        return CodeColumns[HasCodeSuffix(own.Hash) ? 1 : 0].Length + TColumns[own.T].Length
            + ScalarWire.NumberLength(Rep.Long, own.Opd)
            + (IsDidNull(own.Hash) ? ScalarWire.NullLength : DidColumn.Length)
            + _bodyStarts[own.Body + 1] - _bodyStarts[own.Body];
    }

    public override void WriteEncoded(int index, Span<byte> destination)
    {
        var own = Own(index);
        var position = WriteOwn(own, destination);
        _bodyBytes.AsSpan(_bodyStarts[own.Body].._bodyStarts[own.Body + 1]).CopyTo(destination[position..]);
    }

    public override bool HasNonNullArray(int index) => _bodyHasArray[Own(index).Body];

    /// <summary>The row decoded back from its bytes (slow; for parity checks).</summary>
    public override SourceRow RowAt(int index)
    {
        var bytes = new byte[EncodedLength(index)];
        WriteEncoded(index, bytes);
        var row = CodesHistoryEtl.Phoenix.Proto.Row.Parser.ParseFrom(bytes);
        return new SourceRow(row.Value.Select((v, i) => Decode(v, Kinds[i])).ToArray());
    }

    /// <summary>
    /// What a row's own columns and body derive from, worked out once per row served: <paramref name="Key"/>, the row whose
    /// c, opd, did and body it carries (itself, or the one before it, which it repeats), that row's hash, then t, opd and
    /// the body's number. Computing opd costs less than reading it from a table of millions (a cache miss per row served).
    /// </summary>
    private readonly record struct OwnParts(int Key, ulong Hash, int T, long Opd, int Body);

    private OwnParts Own(int row)
    {
        var (day, i) = Math.DivRem(row, _rowsPerDay);
        var repeat = i % 40 == 39; // every 40th row of a day (never a day's first) repeats the one before it
        var (key, keyI) = repeat ? (row - 1, i - 1) : (row, i);
        var h = Hash(key, 0);
        return new OwnParts(key, h, (int)((h >> 16) % 12) + (repeat ? 1 : 0), Opd(_start + day * Day, keyI, Hash(key, 1)),
            (int)(Hash(key, 2) % PoolSize));
    }

    /// <summary>The hour of the table (0 = the first day's first) that <paramref name="time"/>, within the table's days, falls in.</summary>
    private int HourOf(long time) => (int)((time - _start) / Hour);

    private long HourStart(int hour) => _start + hour * Hour;

    private static long Opd(long dayStart, int i, ulong h) => (i % 50) switch
    {
        _ when i == 0 => dayStart,
        0 => dayStart + (long)(h % 24) * Hour,
        1 => dayStart + (1 + (long)(h % 23)) * Hour - 1,
        _ => dayStart + (long)(h % Day),
    };

    private static bool HasCodeSuffix(ulong h) => (h >> 8) % 10 == 0;

    private static bool IsDidNull(ulong h) => (h >> 24) % 100 < 15;

    /// <summary>SplitMix64 of (seed, row, stream): independent, well-mixed bits per row and purpose.</summary>
    private ulong Hash(int row, ulong stream)
    {
        var z = (_seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)row << 8) ^ stream;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Writes the Row fields of c, t, opd and did (<see cref="EncodedLength"/> counts the same); returns their length.</summary>
    private int WriteOwn(OwnParts own, Span<byte> destination)
    {
        var code = CodeColumns[HasCodeSuffix(own.Hash) ? 1 : 0];
        var serial = code.Start(destination);
        serial[^1] = (byte)('A' + (int)(own.Hash % 26)); // a check letter
        for (var (i, rest) = (SerialDigits - 1, own.Key); i >= 0; i--, rest /= 10)
        {
            serial[i] = (byte)('0' + (rest % 10));
        }

        var position = code.Finish(destination);
        TColumns[own.T].CopyTo(destination[position..]);
        position += TColumns[own.T].Length;
        position += ScalarWire.Number(destination[position..], Rep.Long, own.Opd);
        if (IsDidNull(own.Hash))
        {
            return position + ScalarWire.Null(destination[position..]);
        }

        var did = DidColumn.Start(destination[position..]);
        var value = Hash(own.Key, 3);
        for (var i = did.Length - 1; i >= 0; i--, value >>= 4)
        {
            did[i] = HexDigits[(int)(value & 0xF)];
        }

        return position + DidColumn.Finish(destination[position..]);
    }

    /// <summary>An encoded row without its first <see cref="OwnColumns"/> fields.</summary>
    private static byte[] Body(byte[] row)
    {
        var input = new CodedInputStream(row);
        for (var i = 0; i < OwnColumns; i++)
        {
            input.ReadTag();
            input.SkipLastField();
        }

        return row[(int)input.Position..];
    }

    private static FieldValue Decode(ColumnValue value, ColumnKind kind)
    {
        if (value.HasArrayValue)
        {
            return FieldValue.FromArray(value.ArrayValue.Select(e => e.Null ? null : e.StringValue).ToArray());
        }

        return value.ScalarValue.Null ? FieldValue.Null
            : kind == ColumnKind.String ? FieldValue.FromText(value.ScalarValue.StringValue)
            : FieldValue.FromNumber(value.ScalarValue.NumberValue);
    }
}
