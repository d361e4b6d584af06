using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;

namespace PhoenixSim;

/// <summary>
/// The DDL of TBL_JTI_TRACE_CIS_HISTORY as Avatica describes it: java.sql.Types id, type name, Rep and
/// Java class of each column (TIMESTAMP travels as Rep LONG; in millis mode the time column is BIGINT).
/// </summary>
public static class SimTable
{
    public static (int Id, string Name, Rep Rep, string JavaClass) TypeOf(Column column, SimOptions options)
    {
        if (options.TsUnits == TimeUnits.Millis && string.Equals(column.Name, options.TsColumn, StringComparison.OrdinalIgnoreCase))
        {
            return (-5, "BIGINT", Rep.Long, "java.lang.Long");
        }

        return column.Kind switch
        {
            ColumnKind.String => (12, "VARCHAR", Rep.String, "java.lang.String"),
            ColumnKind.UInt8 => (-6, "TINYINT", Rep.Byte, "java.lang.Byte"),
            ColumnKind.UInt16 => (5, "SMALLINT", Rep.Short, "java.lang.Short"),
            ColumnKind.Int64 => (-5, "BIGINT", Rep.Long, "java.lang.Long"),
            ColumnKind.DateTime => (93, "TIMESTAMP", Rep.Long, "java.sql.Timestamp"),
            ColumnKind.StringArray => (2003, "VARCHAR ARRAY", Rep.Array, "java.sql.Array"),
            _ => throw new InvalidOperationException($"Unknown column kind {column.Kind}"),
        };
    }

    /// <summary>The primary key (c, t, opd) is NOT NULL; every other column is nullable.</summary>
    public static bool IsKey(Column column) => column.SourceOrdinal <= Columns.TimeOrdinal;

    public static Signature SelectSignature(IReadOnlyList<Column> selected, SimOptions options, string sql, bool arrayComponentKnown)
    {
        var signature = new Signature { Sql = sql, CursorFactory = new CursorFactory { Style = CursorFactory.Types.Style.List } };
        for (var i = 0; i < selected.Count; i++)
        {
            var column = selected[i];
            var (id, name, rep, javaClass) = TypeOf(column, options);
            var type = new AvaticaType { Id = unchecked((uint)id), Name = name, Rep = rep };
            if (rep == Rep.Array)
            {
                // Avatica fills the component from the first non-null array of the first frame, else OBJECT.
                type.Component = arrayComponentKnown
                    ? new AvaticaType { Id = 12, Name = "VARCHAR", Rep = Rep.String }
                    : new AvaticaType { Id = 2000, Name = "OBJECT", Rep = Rep.Object };
            }

            signature.Columns.Add(new ColumnMetaData
            {
                Ordinal = (uint)i, Label = column.Name.ToUpperInvariant(), ColumnName = column.Name.ToUpperInvariant(),
                TableName = options.Table.ToUpperInvariant(), Nullable = IsKey(column) ? 0u : 1u, Signed = rep != Rep.String,
                Searchable = true, ColumnClassName = javaClass, Type = type,
            });
        }

        return signature;
    }

    public static Signature ExplainSignature(string sql)
    {
        var signature = new Signature { Sql = sql, CursorFactory = new CursorFactory { Style = CursorFactory.Types.Style.List } };
        var columns = new[] { ("PLAN", 12, "VARCHAR", Rep.String), ("EST_BYTES_READ", -5, "BIGINT", Rep.Long),
            ("EST_ROWS_READ", -5, "BIGINT", Rep.Long), ("EST_INFO_TS", -5, "BIGINT", Rep.Long) };
        for (var i = 0; i < columns.Length; i++)
        {
            var (label, id, name, rep) = columns[i];
            signature.Columns.Add(new ColumnMetaData
            {
                Ordinal = (uint)i, Label = label, ColumnName = label, Nullable = 1,
                Type = new AvaticaType { Id = unchecked((uint)id), Name = name, Rep = rep },
            });
        }

        return signature;
    }
}
