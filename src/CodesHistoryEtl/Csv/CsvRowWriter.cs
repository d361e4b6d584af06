using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Csv;

/// <summary>
/// Writes export rows as UTF-8 CSV in the dialect ClickHouse's <c>FORMAT CSVWithNames</c> reads back to
/// the same values: a header of <see cref="Columns.Target"/> names; text always double-quoted (inner
/// quotes doubled); NULL as an unquoted <c>\N</c>; DateTime as <c>YYYY-MM-DD hh:mm:ss</c> in UTC;
/// arrays as a quoted <c>['a','b']</c> with <c>\</c>-escapes inside. Buffers in 2 MiB blocks: each write to
/// the file is a thread-pool hop on Linux, so fewer, larger writes cost less CPU.
/// </summary>
public sealed class CsvRowWriter(Stream output) : IDisposable
{
    private const int BufferSize = 1 << 21;
    /// <summary>Most bytes a column takes besides its text bytes: a number (20), a DateTime (19), quotes, brackets, a comma.</summary>
    private const int MaxBytesPerColumn = 24;

    private static readonly SearchValues<byte> ArrayEscapes = SearchValues.Create("\\'\"\n\r\t\0"u8);
    /// <summary>Days whose date text is kept (<see cref="_days"/>, <see cref="_dates"/>): a day's slot is its number modulo this.</summary>
    private const int DateSlots = 1024;

    private readonly long[] _days = Enumerable.Repeat(long.MinValue, DateSlots).ToArray();
    private readonly byte[] _dates = new byte[DateSlots * 10];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize); // a window's CSV at a time: pooled, not a new 2 MiB array each
    private int _length;

    public void WriteHeader()
    {
        for (var i = 0; i < Columns.Target.Length; i++)
        {
            Ascii(i == 0 ? "" : ",");
            Ascii(Columns.Target[i].Name);
        }

        Byte((byte)'\n');
    }

    public void WriteRow(ExportRow row)
    {
        // room for the whole row at once: every text byte may double when escaped, the rest is bounded per column
        var source = row.Source;
        var values = Columns.TargetValues.AsSpan();
        Ensure((2 * source.TextBytes) + (3 * source.ElementCount) + (MaxBytesPerColumn * values.Length) + 1);
        var span = _buffer.AsSpan();
        var at = _length;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value.Nullable && source.IsNull(value.Ordinal))
            {
                span[at++] = (byte)'\\';
                span[at++] = (byte)'N';
            }
            else
            {
                switch (value.Code)
                {
                    case ValueCode.Text:
                        at = QuotedText(span, at, source.Utf8(value.Ordinal));
                        break;
                    case ValueCode.DateTime:
                        at = DateTime(span, at, source.Number(value.Ordinal));
                        break;
                    case ValueCode.Array:
                        at = Array(span, at, source, value.Ordinal);
                        break;
                    case ValueCode.Id when row.HasId:
                        at = QuotedText(span, at, row.Id);
                        break;
                    case ValueCode.Id:
                        span[at++] = (byte)'\\';
                        span[at++] = (byte)'N';
                        break;
                    case ValueCode.Ts:
                        at = DateTime(span, at, row.TsMillis);
                        break;
                    case ValueCode.Q:
                        span[at++] = (byte)('0' + row.Q);
                        break;
                    default:
                        at = Number(span, at, source.Number(value.Ordinal));
                        break;
                }
            }

            span[at++] = (byte)',';
        }

        span[at - 1] = (byte)'\n'; // the last column's comma
        _length = at;
    }

    /// <summary>Writes what is buffered to the stream; a buffer grown for one huge row shrinks back.</summary>
    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await output.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
        if (_buffer.Length > BufferSize)
        {
            Replace(ArrayPool<byte>.Shared.Rent(BufferSize));
        }
    }

    /// <summary>True when the buffer is worth handing to the stream (the caller flushes between rows).</summary>
    public bool ShouldFlush => _length > BufferSize / 2;

    /// <summary>A number in decimal; 0..99 (most values: operation types, statuses) from the digit-pair table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Number(Span<byte> span, int at, long value)
    {
        if ((ulong)value < 10)
        {
            span[at] = (byte)('0' + value);
            return at + 1;
        }

        if ((ulong)value < 100)
        {
            TwoDigits(span[at..], (int)value);
            return at + 2;
        }

        Utf8Formatter.TryFormat(value, span[at..], out var written);
        return at + written;
    }

    /// <summary>A text in double quotes, inner double quotes doubled; returns the position after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int QuotedText(Span<byte> span, int at, ReadOnlySpan<byte> text)
    {
        span[at++] = (byte)'"';
        if (!ShortBytes.Contains(text, (byte)'"'))
        {
            // nearly every text: no quote to double
            ShortBytes.Copy(text, span[at..]);
            at += text.Length;
            span[at++] = (byte)'"';
            return at;
        }

        for (var quote = text.IndexOf((byte)'"'); quote >= 0; quote = text.IndexOf((byte)'"'))
        {
            text[..(quote + 1)].CopyTo(span[at..]);
            at += quote + 1;
            span[at++] = (byte)'"';
            text = text[(quote + 1)..];
        }

        text.CopyTo(span[at..]);
        at += text.Length;
        span[at++] = (byte)'"';
        return at;
    }

    /// <summary>A quoted <c>['a','b']</c>: ClickHouse's quoted-string escapes inside, then CSV's doubled double quote.</summary>
    private static int Array(Span<byte> span, int at, WireRow source, int ordinal)
    {
        span[at++] = (byte)'"';
        span[at++] = (byte)'[';
        var length = source.ArrayLength(ordinal);
        for (var i = 0; i < length; i++)
        {
            if (i > 0)
            {
                span[at++] = (byte)',';
            }

            span[at++] = (byte)'\'';
            var element = source.Element(ordinal, i);
            for (var next = element.IndexOfAny(ArrayEscapes); next >= 0; next = element.IndexOfAny(ArrayEscapes))
            {
                element[..next].CopyTo(span[at..]);
                at += next;
                // " doubles for CSV; the others take ClickHouse's backslash escape: \\ \' \n \r \t \0
                var special = element[next];
                span[at++] = special == (byte)'"' ? (byte)'"' : (byte)'\\';
                span[at++] = special switch
                {
                    (byte)'\n' => (byte)'n',
                    (byte)'\r' => (byte)'r',
                    (byte)'\t' => (byte)'t',
                    0 => (byte)'0',
                    _ => special,
                };
                element = element[(next + 1)..];
            }

            element.CopyTo(span[at..]);
            at += element.Length;
            span[at++] = (byte)'\'';
        }

        span[at++] = (byte)']';
        span[at++] = (byte)'"';
        return at;
    }

    /// <summary>
    /// yyyy-MM-dd hh:mm:ss of the UTC second that holds <paramref name="epochMillis"/>, written digit by digit; the date
    /// text is kept for the last <see cref="DateSlots"/> days met (a slot a day), since a run's values fall on a few
    /// hundred days at most (opd and ts on one or two).
    /// </summary>
    private int DateTime(Span<byte> span, int at, long epochMillis)
    {
        var seconds = ExportRow.EpochSeconds(epochMillis);
        var day = Math.DivRem(seconds, 86_400, out var second) - (second < 0 ? 1 : 0);
        second = second < 0 ? second + 86_400 : second;
        var slot = (int)(day & (DateSlots - 1));
        var date = _dates.AsSpan(slot * 10, 10);
        if (_days[slot] != day)
        {
            var (year, month, dayOfMonth) = CivilDate(day);
            TwoDigits(date, year / 100);
            TwoDigits(date[2..], year % 100);
            date[4] = (byte)'-';
            TwoDigits(date[5..], month);
            date[7] = (byte)'-';
            TwoDigits(date[8..], dayOfMonth);
            _days[slot] = day;
        }

        var text = span.Slice(at, 19);
        // the 10 date bytes as two loads and stores, not a copy call
        BinaryPrimitives.WriteUInt64LittleEndian(text, BinaryPrimitives.ReadUInt64LittleEndian(date));
        BinaryPrimitives.WriteUInt16LittleEndian(text[8..], BinaryPrimitives.ReadUInt16LittleEndian(date[8..]));
        text[10] = (byte)' ';
        TwoDigits(text[11..], (int)(second / 3600));
        text[13] = (byte)':';
        TwoDigits(text[14..], (int)(second / 60 % 60));
        text[16] = (byte)':';
        TwoDigits(text[17..], (int)(second % 60));
        return at + 19;
    }

    /// <summary>00..99 from a table of digit pairs: two loads instead of a division loop (three a DateTime value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TwoDigits(Span<byte> destination, int value)
    {
        var pair = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8
            .Slice(2 * value, 2);
        destination[0] = pair[0];
        destination[1] = pair[1];
    }

    /// <summary>
    /// The proleptic Gregorian date of day <paramref name="day"/> since 1970-01-01 (0 or later: the transform keeps
    /// DateTime values in 1970..2105), by the civil-from-days arithmetic on 400-year eras with years starting in March.
    /// It runs once a day met (<see cref="DateTime"/> keeps the text), or again when another day took its slot.
    /// </summary>
    internal static (int Year, int Month, int Day) CivilDate(long day)
    {
        var z = (int)day + 719_468; // days since 0000-03-01
        var era = z / 146_097;
        var dayOfEra = z - (era * 146_097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36_524) - (dayOfEra / 146_096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var shiftedMonth = ((5 * dayOfYear) + 2) / 153; // 0 = March
        var dayOfMonth = dayOfYear - (((153 * shiftedMonth) + 2) / 5) + 1;
        var month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        return ((era * 400) + yearOfEra + (month <= 2 ? 1 : 0), month, dayOfMonth);
    }

    private void Ascii(string text)
    {
        Ensure(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            _buffer[_length++] = (byte)text[i];
        }
    }

    private void Byte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    private void Ensure(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            // one row larger than the buffer: grow for it (rows are bounded by RowTransformer's limits)
            Replace(ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes)));
        }
    }

    /// <summary>Moves what is buffered into <paramref name="buffer"/> and returns the old one to the pool.</summary>
    private void Replace(byte[] buffer)
    {
        _buffer.AsSpan(0, _length).CopyTo(buffer);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = buffer;
    }

    /// <summary>Returns the buffer to the pool; what was not flushed is dropped.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
        _length = 0;
    }
}
