using System.Security.Cryptography;
using System.Text;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Turns the source rows of ONE window into export rows: checks each value against its target type,
/// derives <c>id</c> = md5(did) as lowercase hex (NULL when did is NULL or empty), <c>ts</c> = the window's
/// upper bound, <c>q</c> = 1 when the row repeats an earlier row of the window on (c, opd, et, st, ste),
/// NULL <c>ch</c> -> [] and NULL elements of <c>ch</c> -> ''. A row that does not fit is rejected with a reason.
/// <paramref name="keys"/> must be empty: a run passes one set, cleared per window, so it keeps its capacity
/// instead of regrowing through the large-object heap every window.
/// </summary>
public sealed class RowTransformer(Window window, DuplicateKeys keys)
{
    /// <summary>Longest text value accepted (characters); longer is a reject, not a memory problem.</summary>
    public const int MaxTextLength = 1 << 20;

    /// <summary>Most elements accepted in an array value.</summary>
    public const int MaxArrayLength = 100_000;

    /// <summary>
    /// 2105-12-31 23:59:59.999 UTC: DateTime is UInt32 seconds, but ClickHouse 18.16 reads and prints
    /// DateTime text only up to the end of 2105, so later values could not round-trip through the CSV.
    /// </summary>
    private const long MaxDateTimeMillis = 4_291_747_199_999;
    private static readonly int ChOrdinal = Columns.SourceOrdinalOf("ch");

    private readonly long _tsMillis = window.Until.ToUnixTimeMilliseconds();
    private readonly long _sinceMillis = window.Since.ToUnixTimeMilliseconds();

    public RowTransformer(Window window)
        : this(window, new DuplicateKeys())
    {
    }

    /// <summary>Returns true and the export row, or false and the reason.</summary>
    public bool TryTransform(SourceRow row, out ExportRow exported, out string? reason)
    {
        exported = default;
        reason = Check(row);
        if (reason is not null)
        {
            return false;
        }

        var ch = row[ChOrdinal];
        if (ch.IsNull)
        {
            row.Values[ChOrdinal] = FieldValue.FromArray([]);
        }
        else if (Array.IndexOf(ch.Array, null) >= 0)
        {
            row.Values[ChOrdinal] = FieldValue.FromArray(Array.ConvertAll(ch.Array, e => e ?? ""));
        }

        var q = keys.IsRepeat(row) ? (byte)1 : (byte)0;
        exported = new ExportRow(row, Md5Id(row[Columns.DidOrdinal]), _tsMillis, q);
        return true;
    }

    private string? Check(SourceRow row)
    {
        if (row.Values.Length != Columns.Source.Length)
        {
            return $"row has {row.Values.Length} values, expected {Columns.Source.Length}";
        }

        foreach (var column in Columns.Source)
        {
            var value = row[column.SourceOrdinal];
            if (value.IsNull)
            {
                if (!column.Nullable)
                {
                    return $"{column.Name} is NULL but the column is required";
                }

                continue;
            }

            var problem = column.Kind switch
            {
                ColumnKind.UInt8 => OutOfRange(value.Number, 0, byte.MaxValue),
                ColumnKind.UInt16 => OutOfRange(value.Number, 0, ushort.MaxValue),
                ColumnKind.DateTime => value.Number is < 0 or > MaxDateTimeMillis
                    ? $"{value.Number} ms is outside DateTime's 1970-01-01..2105-12-31 UTC range"
                    : null,
                ColumnKind.String => TextProblem(value.Text),
                ColumnKind.StringArray => ArrayProblem(value.Array),
                _ => null,
            };
            if (problem is not null)
            {
                return $"{column.Name}: {problem}";
            }
        }

        var time = row[Columns.TimeOrdinal].Number;
        return time < _sinceMillis || time >= _tsMillis
            ? $"opd {DateTimeOffset.FromUnixTimeMilliseconds(time):O} is outside the window {window}"
            : null;
    }

    private static string? OutOfRange(long value, long min, long max) =>
        value < min || value > max ? $"{value} is outside {min}..{max}" : null;

    private static string? TextProblem(string text)
    {
        if (text.Length > MaxTextLength)
        {
            return $"text of {text.Length} characters is longer than {MaxTextLength}";
        }

        return text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0 && !IsWellFormed(text)
            ? "text is not valid UTF-8 (invalid bytes on the wire, or a lone surrogate)"
            : null;
    }

    private static string? ArrayProblem(string?[] elements)
    {
        if (elements.Length > MaxArrayLength)
        {
            return $"array of {elements.Length} elements is longer than {MaxArrayLength}";
        }

        foreach (var element in elements)
        {
            if (element is not null && TextProblem(element) is { } problem)
            {
                return "element " + problem;
            }
        }

        return null;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static FieldValue Md5Id(FieldValue did)
    {
        if (did.IsNull || did.Text.Length == 0)
        {
            return FieldValue.Null;
        }

        Span<byte> hash = stackalloc byte[16];
        var byteCount = Encoding.UTF8.GetByteCount(did.Text);
        var bytes = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(did.Text, bytes);
        if (byteCount <= ShortMd5.MaxLength)
        {
            ShortMd5.Hash(bytes, hash);
        }
        else
        {
            MD5.HashData(bytes, hash);
        }

        return FieldValue.FromText(Convert.ToHexStringLower(hash));
    }
}
