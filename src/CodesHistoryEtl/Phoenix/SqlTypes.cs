using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Phoenix;

/// <summary>The java.sql.Types codes Avatica reports in <c>AvaticaType.id</c>, and the one each source column must have.</summary>
public static class SqlTypes
{
    public const int TinyInt = -6;
    public const int BigInt = -5;
    public const int VarChar = 12;
    public const int SmallInt = 5;
    public const int Timestamp = 93;
    public const int Array = 2003;

    public static string NameOf(int typeId) => typeId switch
    {
        TinyInt => "TINYINT",
        BigInt => "BIGINT",
        VarChar => "VARCHAR",
        SmallInt => "SMALLINT",
        Timestamp => "TIMESTAMP",
        Array => "ARRAY",
        _ => $"type {typeId}",
    };

    /// <summary>
    /// The type id each <see cref="Columns.Source"/> column must arrive with. With PHX_TS_UNITS=millis the
    /// window's time column (HBASE_MAIN_TS_COLUMN) is a BIGINT of epoch milliseconds.
    /// </summary>
    public static int[] ExpectedFor(TimeUnits units, SqlIdentifier tsColumn) =>
        Columns.Source.Select(c => units == TimeUnits.Millis && string.Equals(c.Name, tsColumn.Name, StringComparison.OrdinalIgnoreCase)
            ? BigInt
            : c.Kind switch
            {
                ColumnKind.String => VarChar,
                ColumnKind.UInt8 => TinyInt,
                ColumnKind.UInt16 => SmallInt,
                ColumnKind.Int64 => BigInt,
                ColumnKind.DateTime => Timestamp,
                ColumnKind.StringArray => Array,
                _ => throw new InvalidOperationException($"Unknown column kind {c.Kind}"),
            }).ToArray();
}
