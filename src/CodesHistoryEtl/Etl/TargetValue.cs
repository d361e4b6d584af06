namespace CodesHistoryEtl.Etl;

/// <summary>What a writer puts in a target column: a source value of a ClickHouse type, or one the transform derived.</summary>
public enum ValueCode : byte
{
    Text,
    UInt8,
    UInt16,
    Int64,
    DateTime,
    Array,

    /// <summary>The derived id: 32 hex bytes, or NULL (<see cref="ExportRow.HasId"/>).</summary>
    Id,

    /// <summary>The derived ts: the window's upper bound, epoch ms.</summary>
    Ts,

    /// <summary>The derived q: 0 or 1.</summary>
    Q,
}

/// <summary>
/// A target column as the per-row writers walk it (<see cref="Columns.TargetValues"/>, in <see cref="Columns.Target"/>
/// order): what to write and from which slot of the <see cref="WireRow"/>, worked out once from the <see cref="Column"/>.
/// A writer's loop over a row is then one switch a value, inline, instead of a call a value that asks the column
/// its kind, its nullability and where its value lives (measured: about half of each writer's instructions).
/// </summary>
/// <param name="Code">What to write.</param>
/// <param name="Ordinal">The source slot (<see cref="Column.SourceOrdinal"/>); negative for a derived value.</param>
/// <param name="Nullable">The source slot may be NULL and the target is Nullable: a NULL flag comes first (never for a derived value or an array).</param>
public readonly record struct TargetValue(ValueCode Code, int Ordinal, bool Nullable)
{
    public static TargetValue Of(Column column)
    {
        var code = column.SourceOrdinal switch
        {
            Columns.IdOrdinal => ValueCode.Id,
            Columns.TsOrdinal => ValueCode.Ts,
            Columns.QOrdinal => ValueCode.Q,
            < 0 => throw new ArgumentException($"Column {column.Name} has an unknown derived ordinal {column.SourceOrdinal}", nameof(column)),
            _ => column.Kind switch
            {
                ColumnKind.String => ValueCode.Text,
                ColumnKind.UInt8 => ValueCode.UInt8,
                ColumnKind.UInt16 => ValueCode.UInt16,
                ColumnKind.Int64 => ValueCode.Int64,
                ColumnKind.DateTime => ValueCode.DateTime,
                ColumnKind.StringArray => ValueCode.Array,
                _ => throw new ArgumentException($"Column {column.Name} has an unknown kind {column.Kind}", nameof(column)),
            },
        };
        return new TargetValue(code, column.SourceOrdinal, column.SourceOrdinal >= 0 && column.Nullable && code != ValueCode.Array);
    }
}
