using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;

namespace CodesHistoryEtl.Phoenix;

/// <summary>Checks, once per statement, that the result set has the columns and types <see cref="Columns.Source"/> expects.</summary>
internal static class SignatureCheck
{
    public static void Verify(Signature? signature, IReadOnlyList<int> expectedTypeIds, string operation, string sql)
    {
        if (signature is null || signature.Columns.Count != Columns.Source.Length)
        {
            throw new PhoenixException(operation, sql,
                $"the result set has {signature?.Columns.Count ?? 0} columns but {Columns.Source.Length} were selected");
        }

        foreach (var column in Columns.Source)
        {
            var meta = signature.Columns[column.SourceOrdinal];
            var name = meta.Label.Length > 0 ? meta.Label : meta.ColumnName;
            if (!string.Equals(name, column.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new PhoenixException(operation, sql,
                    $"result column {column.SourceOrdinal + 1} is '{name}' but '{column.Name}' was expected");
            }

            // uint32 on the wire: TINYINT -6 arrives as 4294967290.
            var typeId = (int)(meta.Type?.Id ?? 0);
            var expected = expectedTypeIds[column.SourceOrdinal];
            if (typeId != expected)
            {
                throw new PhoenixException(operation, sql,
                    $"column '{column.Name}' is {SqlTypes.NameOf(typeId)} ({meta.Type?.Name}) but {SqlTypes.NameOf(expected)} was expected; check the table definition and PHX_TS_UNITS");
            }
        }
    }
}
