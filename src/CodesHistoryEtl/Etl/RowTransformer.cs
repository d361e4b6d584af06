using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// Turns the source rows of ONE window into export rows: checks each value against its target type,
/// derives <c>id</c> = md5(did) as lowercase hex (NULL when did is NULL or empty), <c>ts</c> = the window's
/// upper bound, <c>q</c> = 1 when the row repeats an earlier row of the window on (c, opd, et, st, ste)
/// (NULL <c>ch</c> -> [] and NULL elements -> '' are how <see cref="ExportRow"/> reads them). All on the row's
/// UTF-8 bytes: nothing is decoded to strings. A row that does not fit is rejected with a reason.
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

    private readonly long _tsMillis = window.Until.ToUnixTimeMilliseconds();
    private readonly long _sinceMillis = window.Since.ToUnixTimeMilliseconds();

    public RowTransformer(Window window)
        : this(window, new DuplicateKeys())
    {
    }

    /// <summary>Returns true with <paramref name="exported"/> filled (it refers to <paramref name="row"/>), or false and the reason.</summary>
    public bool TryTransform(WireRow row, ExportRow exported, out string? reason)
    {
        var key = keys.KeyOf(row); // its slot in the key table comes from memory while the row is checked
        reason = Check(row);
        if (reason is not null)
        {
            return false;
        }

        var q = keys.IsRepeat(key) ? (byte)1 : (byte)0;
        Span<byte> md5 = stackalloc byte[16];
        exported.Set(row, Md5(row.Utf8(Columns.DidOrdinal), md5), _tsMillis, q);
        return true;
    }

    private string? Check(WireRow row)
    {
        var columns = Columns.Source.AsSpan();
        if (row.Count != columns.Length)
        {
            return $"row has {row.Count} values, expected {columns.Length}";
        }

        foreach (var column in columns)
        {
            var ordinal = column.SourceOrdinal;
            if (row.IsNull(ordinal))
            {
                if (!column.Nullable)
                {
                    return Required(column);
                }

                continue;
            }

            var problem = column.Kind switch
            {
                ColumnKind.UInt8 => OutOfRange(row.Number(ordinal), 0, byte.MaxValue),
                ColumnKind.UInt16 => OutOfRange(row.Number(ordinal), 0, ushort.MaxValue),
                ColumnKind.DateTime => row.Number(ordinal) is < 0 or > MaxDateTimeMillis ? OutsideDateTime(row.Number(ordinal)) : null,
                ColumnKind.String => TextProblem(row.Utf8(ordinal)),
                ColumnKind.StringArray => ArrayProblem(row, ordinal),
                _ => null,
            };
            if (problem is not null)
            {
                return Of(column, problem);
            }
        }

        var time = row.Number(Columns.TimeOrdinal);
        return time < _sinceMillis || time >= _tsMillis ? OutsideWindow(time) : null;
    }

    // The reasons are built apart from Check, which runs for every row: its frame then holds no string builder.
    private static string Required(Column column) => $"{column.Name} is NULL but the column is required";

    private static string OutsideDateTime(long millis) => $"{millis} ms is outside DateTime's 1970-01-01..2105-12-31 UTC range";

    private static string Of(Column column, string problem) => $"{column.Name}: {problem}";

    private string OutsideWindow(long millis) => $"opd {DateTimeOffset.FromUnixTimeMilliseconds(millis):O} is outside the window {window}";

    private static string? OutOfRange(long value, long min, long max) => value < min || value > max ? Outside(value, min, max) : null;

    private static string Outside(long value, long min, long max) => $"{value} is outside {min}..{max}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? TextProblem(ReadOnlySpan<byte> utf8) =>
        ShortBytes.IsShortAscii(utf8) ? null // most texts (codes, INNs, GTINs): no call to the full validator
        : !Utf8.IsValid(utf8) ? "text is not valid UTF-8 (invalid bytes on the wire)"
        : utf8.Length > MaxTextLength ? LongTextProblem(utf8) // a character takes at least one byte: only a long text needs counting
        : null;

    private static string? LongTextProblem(ReadOnlySpan<byte> utf8) =>
        Encoding.UTF8.GetCharCount(utf8) is var characters && characters > MaxTextLength
            ? $"text of {characters} characters is longer than {MaxTextLength}"
            : null;

    private static string? ArrayProblem(WireRow row, int ordinal)
    {
        var length = row.ArrayLength(ordinal);
        if (length > MaxArrayLength)
        {
            return $"array of {length} elements is longer than {MaxArrayLength}";
        }

        for (var i = 0; i < length; i++)
        {
            if (TextProblem(row.Element(ordinal, i)) is { } problem)
            {
                return "element " + problem;
            }
        }

        return null;
    }

    /// <summary>md5 of <paramref name="did"/> into <paramref name="hash"/>; empty when did is NULL or empty (no id).</summary>
    private static ReadOnlySpan<byte> Md5(ReadOnlySpan<byte> did, Span<byte> hash)
    {
        if (did.IsEmpty)
        {
            return default;
        }

        if (did.Length <= ShortMd5.MaxLength)
        {
            ShortMd5.Hash(did, hash);
        }
        else
        {
            MD5.HashData(did, hash);
        }

        return hash;
    }
}
