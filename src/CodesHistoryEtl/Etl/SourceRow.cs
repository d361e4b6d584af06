namespace CodesHistoryEtl.Etl;

/// <summary>One row as Phoenix returned it: a value per <see cref="Columns.Source"/> column, in that order.</summary>
public readonly struct SourceRow(FieldValue[] values)
{
    public FieldValue[] Values { get; } = values;

    public FieldValue this[int sourceOrdinal] => Values[sourceOrdinal];

    public override string ToString()
    {
        var values = Values;
        return string.Join(", ", Columns.Source.Select(c => $"{c.Name}={values[c.SourceOrdinal]}"));
    }
}
