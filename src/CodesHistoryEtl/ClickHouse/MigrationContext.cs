using System.Text.RegularExpressions;
using CodesHistoryEtl.Config;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// The values a migration file's placeholders take. Every one is a validated identifier (or time zone
/// name), so substituting them can never inject SQL.
/// </summary>
public sealed partial record MigrationContext(string Database, string Table, string InsertTable, string? Cluster, string MetaDatabase, string BusinessTz)
{
    /// <summary>The database of the run registry and the migrations journal.</summary>
    public const string DefaultMetaDatabase = "meta";

    public bool IsCluster => Cluster is not null;

    public static MigrationContext From(ClickHouseSettings settings, string businessTz, string metaDatabase = DefaultMetaDatabase)
    {
        if (!TimeZoneName().IsMatch(businessTz))
        {
            throw ConfigException.Invalid("BUSINESS_TZ", businessTz, "an IANA zone name such as Asia/Almaty (letters, digits, _ / + -)");
        }

        if (!SqlIdentifier.TryParse(metaDatabase, out var meta) || meta!.Schema is not null)
        {
            throw new ArgumentException($"'{metaDatabase}' is not a plain database name", nameof(metaDatabase));
        }

        if (settings.IsCluster && settings.InsertTable == settings.Table)
        {
            throw ConfigException.Invalid("CH_INSERT_TABLE", settings.InsertTable,
                "in cluster mode the name of the Distributed table, which must differ from CH_TABLE (default <CH_TABLE>_all)");
        }

        return new MigrationContext(settings.Database, settings.Table, settings.InsertTable, settings.Cluster, metaDatabase, businessTz);
    }

    /// <summary>The fixed placeholders, in the form they appear in the files.</summary>
    public IReadOnlyDictionary<string, string> Placeholders() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["{database}"] = Database,
        ["{table}"] = Table,
        ["{insert_table}"] = InsertTable,
        ["{meta}"] = MetaDatabase,
        ["{cluster}"] = Cluster ?? "",
        ["{on_cluster}"] = IsCluster ? " ON CLUSTER " + Cluster : "",
        ["{business_tz}"] = BusinessTz,
    };

    /// <summary>The engine of a table named <paramref name="qualifiedTable"/> (database.table).</summary>
    public string MergeTreeEngine(string qualifiedTable) => IsCluster
        ? $"ReplicatedMergeTree('/clickhouse/tables/{qualifiedTable}', '{{{Cluster}_repl}}')"
        : "MergeTree";

    [GeneratedRegex(@"^[A-Za-z0-9_/+\-]{1,64}$")]
    private static partial Regex TimeZoneName();
}
