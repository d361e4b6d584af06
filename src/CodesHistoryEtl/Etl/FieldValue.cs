namespace CodesHistoryEtl.Etl;

/// <summary>
/// One decoded source value: SQL NULL, a number (integers; epoch milliseconds UTC for timestamps),
/// a text, or a text array whose elements may themselves be NULL. A struct, so a row is one allocation.
/// </summary>
public readonly struct FieldValue : IEquatable<FieldValue>
{
    private readonly object? _reference;

    private FieldValue(long number, object? reference, bool isNull)
    {
        Number = number;
        _reference = reference;
        IsNull = isNull;
    }

    public static FieldValue Null { get; } = new(0, null, isNull: true);

    public bool IsNull { get; }

    /// <summary>The integer value, or epoch milliseconds (UTC) for a DateTime column.</summary>
    public long Number { get; }

    public string Text => _reference as string ?? throw new InvalidOperationException("Not a text value");

    public string?[] Array => _reference as string?[] ?? throw new InvalidOperationException("Not an array value");

    public static FieldValue FromNumber(long number) => new(number, null, isNull: false);

    public static FieldValue FromText(string text) => new(0, text, isNull: false);

    public static FieldValue FromArray(string?[] elements) => new(0, elements, isNull: false);

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
