namespace CodesHistoryEtl.Etl;

/// <summary>
/// One column of the export. <paramref name="SourceOrdinal"/> is its position in the Phoenix SELECT list,
/// or, for a column the ETL derives, a negative number that names it (<see cref="Columns.IdOrdinal"/>,
/// <see cref="Columns.TsOrdinal"/>, <see cref="Columns.QOrdinal"/>).
/// </summary>
public sealed record Column(string Name, ColumnKind Kind, bool Nullable, int SourceOrdinal)
{
    /// <summary>The ClickHouse type this column is written as.</summary>
    public string ClickHouseType
    {
        get
        {
            var baseType = Kind switch
            {
                ColumnKind.String => "String",
                ColumnKind.UInt8 => "UInt8",
                ColumnKind.UInt16 => "UInt16",
                ColumnKind.Int64 => "Int64",
                ColumnKind.DateTime => "DateTime",
                ColumnKind.StringArray => "Array(String)",
                _ => throw new InvalidOperationException($"Unknown column kind {Kind}"),
            };
            return Nullable && Kind != ColumnKind.StringArray ? $"Nullable({baseType})" : baseType;
        }
    }
}
