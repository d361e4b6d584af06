using System.Text;

namespace PhoenixSim;

/// <summary>
/// The Row field of a text column (as <see cref="ScalarWire.Text"/> writes it) whose texts differ only in a run of
/// fixed length, written once: a row's field is a copy with that run filled in at its two places (value and
/// scalar_value), for less work than assembling the field for every row served.
/// </summary>
internal sealed class TextColumnTemplate
{
    private readonly byte[] _bytes;
    private readonly int _first;
    private readonly int _second;
    private readonly int _holeLength;

    /// <param name="text">The text with one run of <c>#</c> where rows differ.</param>
    public TextColumnTemplate(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        _bytes = new byte[ScalarWire.TextLength(utf8.Length)];
        ScalarWire.Text(_bytes, utf8);
        var hole = text.IndexOf('#', StringComparison.Ordinal);
        _holeLength = text.LastIndexOf('#') + 1 - hole;
        _first = _bytes.AsSpan().IndexOf(utf8) + hole;
        _second = _bytes.AsSpan().LastIndexOf(utf8) + hole;
    }

    public int Length => _bytes.Length;

    /// <summary>Copies the field to the start of <paramref name="destination"/>; returns its first hole, to fill before <see cref="Finish"/>.</summary>
    public Span<byte> Start(Span<byte> destination)
    {
        _bytes.CopyTo(destination);
        return destination.Slice(_first, _holeLength);
    }

    /// <summary>Repeats the filled hole at its second place; returns the field's length.</summary>
    public int Finish(Span<byte> destination)
    {
        destination.Slice(_first, _holeLength).CopyTo(destination[_second..]);
        return _bytes.Length;
    }
}
