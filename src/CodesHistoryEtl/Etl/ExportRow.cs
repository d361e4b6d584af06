namespace CodesHistoryEtl.Etl;

/// <summary>
/// A transformed row, ready for the CSV and ClickHouse writers: the source values plus the derived
/// <c>id</c> (md5 of did), <c>ts</c> (the window's upper bound, epoch ms UTC) and <c>q</c> (1 = repeats an
/// earlier row of the window on the sort key). Writers walk <see cref="Columns.Target"/> and call <see cref="Get"/>.
/// </summary>
public readonly struct ExportRow(SourceRow source, FieldValue id, long tsMillis, byte q)
{
    public SourceRow Source { get; } = source;

    public FieldValue Id { get; } = id;

    public long TsMillis { get; } = tsMillis;

    public byte Q { get; } = q;

    /// <summary>The value of one <see cref="Columns.Target"/> column.</summary>
    public FieldValue Get(Column column) => column.IsDerived
        ? column.Name switch
        {
            "id" => Id,
            "ts" => FieldValue.FromNumber(TsMillis),
            "q" => FieldValue.FromNumber(Q),
            _ => throw new InvalidOperationException($"Unknown derived column {column.Name}"),
        }
        : Source[column.SourceOrdinal];
}
