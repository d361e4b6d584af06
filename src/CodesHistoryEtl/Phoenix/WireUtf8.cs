using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// UTF-8 decoding of the texts in a frame that keeps invalid bytes visible: each byte of an invalid sequence
/// becomes the lone surrogate U+DC00 + byte (as Python's "surrogateescape"). Valid UTF-8 never decodes to a
/// lone surrogate, so a rejected row's invalid bytes show in the rejects file instead of a U+FFFD that hides them
/// (the transform itself checks the bytes). Valid text decodes exactly as <see cref="Encoding.UTF8"/> does, in one
/// validating pass (faster than GetString's count-then-decode); only invalid bytes take the slow path.
/// </summary>
internal static class WireUtf8
{
    public static string Decode(ReadOnlySpan<byte> utf8)
    {
        // One validating pass into a scratch buffer (UTF-16 never needs more chars than UTF-8 has bytes), then one copy.
        char[]? rented = null;
        var chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            return Utf8.ToUtf16(utf8, chars, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
                ? new string(chars[..written])
                : Escaped(utf8);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static string Escaped(ReadOnlySpan<byte> utf8)
    {
        var text = new StringBuilder(utf8.Length);
        Span<char> chars = stackalloc char[2];
        while (!utf8.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(utf8, out var rune, out var consumed) == OperationStatus.Done)
            {
                text.Append(chars[..rune.EncodeToUtf16(chars)]);
            }
            else
            {
                foreach (var b in utf8[..consumed])
                {
                    text.Append((char)(0xDC00 + b));
                }
            }

            utf8 = utf8[consumed..];
        }

        return text.ToString();
    }
}
