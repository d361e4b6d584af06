namespace CodesHistoryEtl.Etl;

/// <summary>The value kinds a column can hold, from the Phoenix source to the ClickHouse target.</summary>
public enum ColumnKind
{
    /// <summary>VARCHAR -> String. Carried as UTF-8 bytes (<see cref="WireRow.Utf8"/>).</summary>
    String,

    /// <summary>TINYINT -> UInt8 (0..255). Carried as a number (<see cref="WireRow.Number"/>).</summary>
    UInt8,

    /// <summary>SMALLINT -> UInt16 (0..65535). Carried as a number (<see cref="WireRow.Number"/>).</summary>
    UInt16,

    /// <summary>BIGINT -> Int64. Carried as a number (<see cref="WireRow.Number"/>).</summary>
    Int64,

    /// <summary>TIMESTAMP (or BIGINT epoch ms) -> DateTime (UTC seconds). Carried as epoch milliseconds (<see cref="WireRow.Number"/>).</summary>
    DateTime,

    /// <summary>VARCHAR ARRAY -> Array(String). Carried as element slices (<see cref="WireRow.Element"/>).</summary>
    StringArray,
}
