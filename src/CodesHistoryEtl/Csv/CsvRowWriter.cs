using System.Buffers.Text;
using System.Text;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Csv;

/// <summary>
/// Writes export rows as UTF-8 CSV in the dialect ClickHouse's <c>FORMAT CSVWithNames</c> reads back to
/// the same values: a header of <see cref="Columns.Target"/> names; text always double-quoted (inner
/// quotes doubled); NULL as an unquoted <c>\N</c>; DateTime as <c>YYYY-MM-DD hh:mm:ss</c> in UTC;
/// arrays as a quoted <c>['a','b']</c> with <c>\</c>-escapes inside. Buffers in 512 KiB blocks: each write to
/// the file is a thread-pool hop on Linux, so fewer, larger writes cost less CPU.
/// </summary>
public sealed class CsvRowWriter(Stream output)
{
    private const int BufferSize = 1 << 19;
    private static readonly System.Buffers.SearchValues<char> ArrayEscapes = System.Buffers.SearchValues.Create("\\'\"\n\r\t\0");
    private byte[] _buffer = new byte[BufferSize];
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

    public void WriteRow(in ExportRow row)
    {
        var columns = Columns.Target;
        for (var i = 0; i < columns.Length; i++)
        {
            if (i > 0)
            {
                Byte((byte)',');
            }

            var column = columns[i];
            var value = row.Get(column);
            if (value.IsNull)
            {
                Ascii("\\N");
                continue;
            }

            switch (column.Kind)
            {
                case ColumnKind.String:
                    QuotedText(value.Text);
                    break;
                case ColumnKind.DateTime:
                    DateTime(value.Number);
                    break;
                case ColumnKind.StringArray:
                    Array(value.Array);
                    break;
                default:
                    Number(value.Number);
                    break;
            }
        }

        Byte((byte)'\n');
    }

    /// <summary>Writes what is buffered to the stream; a buffer grown for one huge row shrinks back.</summary>
    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await output.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
        if (_buffer.Length > BufferSize)
        {
            _buffer = new byte[BufferSize];
        }
    }

    /// <summary>True when the buffer is worth handing to the stream (the caller flushes between rows).</summary>
    public bool ShouldFlush => _length > BufferSize / 2;

    private void QuotedText(string text)
    {
        Byte((byte)'"');
        if (text.Contains('"', StringComparison.Ordinal))
        {
            text = text.Replace("\"", "\"\"", StringComparison.Ordinal);
        }

        Utf8(text);
        Byte((byte)'"');
    }

    private void Array(string?[] elements)
    {
        Ascii("\"[");
        for (var i = 0; i < elements.Length; i++)
        {
            Ascii(i == 0 ? "'" : ",'");
            var element = elements[i] ?? "";
            Utf8(element.AsSpan().IndexOfAny(ArrayEscapes) < 0 ? element : EscapeArrayElement(element));
            Byte((byte)'\'');
        }

        Ascii("]\"");
    }

    /// <summary>ClickHouse's quoted-string escapes inside an array, then CSV's doubled double quote.</summary>
    private static string EscapeArrayElement(string element)
    {
        var escaped = new StringBuilder(element.Length + 8);
        foreach (var ch in element)
        {
            escaped.Append(ch switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '"' => "\"\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ => null,
            } ?? ch.ToString());
        }

        return escaped.ToString();
    }

    /// <summary>yyyy-MM-dd hh:mm:ss of the UTC second that holds <paramref name="epochMillis"/>, written digit by digit.</summary>
    private void DateTime(long epochMillis)
    {
        var utc = DateTimeOffset.FromUnixTimeMilliseconds(epochMillis).UtcDateTime;
        var (year, month, day) = utc;
        var time = utc.TimeOfDay;
        Ensure(19);
        var span = _buffer.AsSpan(_length, 19);
        Digits(span, year, 4);
        span[4] = (byte)'-';
        Digits(span[5..], month, 2);
        span[7] = (byte)'-';
        Digits(span[8..], day, 2);
        span[10] = (byte)' ';
        Digits(span[11..], time.Hours, 2);
        span[13] = (byte)':';
        Digits(span[14..], time.Minutes, 2);
        span[16] = (byte)':';
        Digits(span[17..], time.Seconds, 2);
        _length += 19;
    }

    private static void Digits(Span<byte> destination, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private void Number(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out var written);
        _length += written;
    }

    private void Utf8(string text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
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
            System.Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }
}
