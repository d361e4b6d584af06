namespace CodesHistoryEtl.Etl;

/// <summary>
/// One source value copied out of its frame (<see cref="WireRow.ToSourceRow"/>: rejects files, the simulator, tests;
/// the run itself works on <see cref="WireRow"/>): SQL NULL, a number (integers; epoch milliseconds UTC for
/// timestamps), a text, or a text array whose elements may themselves be NULL. A struct of 16 bytes (NULL is a
/// marker reference, not a third field), so a row is one small allocation.
/// </summary>
public readonly struct FieldValue : IEquatable<FieldValue>
{
    private static readonly object NullMarker = new();

    private readonly object? _reference;

    private FieldValue(long number, object? reference)
    {
        Number = number;
        _reference = reference;
    }

    public static FieldValue Null { get; } = new(0, NullMarker);

    public bool IsNull => ReferenceEquals(_reference, NullMarker);

    /// <summary>The integer value, or epoch milliseconds (UTC) for a DateTime column.</summary>
    public long Number { get; }

    public string Text => _reference as string ?? throw new InvalidOperationException("Not a text value");

    public string?[] Array => _reference as string?[] ?? throw new InvalidOperationException("Not an array value");

    public static FieldValue FromNumber(long number) => new(number, null);

    public static FieldValue FromText(string text) => new(0, text);

    public static FieldValue FromArray(string?[] elements) => new(0, elements);

    public bool Equals(FieldValue other)
    {
        if (IsNull || other.IsNull)
        {
            return IsNull == other.IsNull;
        }

        return (_reference, other._reference) switch
        {
            (string a, string b) => a == b,
            (string?[] a, string?[] b) => a.AsSpan().SequenceEqual(b),
            (null, null) => Number == other.Number,
            _ => false,
        };
    }

    public override bool Equals(object? obj) => obj is FieldValue other && Equals(other);

    public override int GetHashCode() => IsNull ? 0 : _reference switch
    {
        string s => s.GetHashCode(StringComparison.Ordinal),
        string?[] a => a.Length,
        _ => Number.GetHashCode(),
    };

    public static bool operator ==(FieldValue left, FieldValue right) => left.Equals(right);

    public static bool operator !=(FieldValue left, FieldValue right) => !left.Equals(right);

    public override string ToString() => IsNull ? "NULL" : _reference switch
    {
        string s => s,
        string?[] a => "[" + string.Join(",", a.Select(e => e ?? "NULL")) + "]",
        _ => Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
