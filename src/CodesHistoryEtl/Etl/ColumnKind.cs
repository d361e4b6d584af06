namespace CodesHistoryEtl.Etl;

/// <summary>The value kinds a column can hold, from the Phoenix source to the ClickHouse target.</summary>
public enum ColumnKind
{
    /// <summary>VARCHAR -> String. Carried as <see cref="FieldValue.Text"/>.</summary>
    String,

    /// <summary>TINYINT -> UInt8 (0..255). Carried as <see cref="FieldValue.Number"/>.</summary>
    UInt8,

    /// <summary>SMALLINT -> UInt16 (0..65535). Carried as <see cref="FieldValue.Number"/>.</summary>
    UInt16,

    /// <summary>BIGINT -> Int64. Carried as <see cref="FieldValue.Number"/>.</summary>
    Int64,

    /// <summary>TIMESTAMP (or BIGINT epoch ms) -> DateTime (UTC seconds). Carried as epoch milliseconds in <see cref="FieldValue.Number"/>.</summary>
    DateTime,

    /// <summary>VARCHAR ARRAY -> Array(String). Carried as <see cref="FieldValue.Array"/>.</summary>
    StringArray,
}
