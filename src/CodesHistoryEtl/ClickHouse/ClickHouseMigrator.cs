using System.Globalization;
using Serilog;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// Applies the embedded migrations/clickhouse/ files in name order and records each in
/// <c>{meta}.clickhouse_migrations</c>; files already recorded are skipped, so re-applying is a no-op.
/// Every CREATE says IF NOT EXISTS, so a crash between a file's DDL and its record is repaired by the
/// next run. Throws <see cref="ClickHouseException"/> naming the file whose statement failed.
/// </summary>
public sealed class ClickHouseMigrator(ClickHouseClient client, MigrationContext context)
{
    private string Journal => $"{context.MetaDatabase}.clickhouse_migrations";

    /// <summary>Applies what is pending; returns the names of the files applied now.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        var server = await client.GetServerInfoAsync(ct).ConfigureAwait(false);
        var ddlSettings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (server.Knows("allow_experimental_low_cardinality_type"))
        {
            // Needed by LowCardinality on 18.16; ON CLUSTER DDL ignores it and takes the server profile's value.
            ddlSettings["allow_experimental_low_cardinality_type"] = "1";
        }

        await EnsureJournalAsync(ddlSettings, ct).ConfigureAwait(false);
        var applied = await AppliedAsync(ct).ConfigureAwait(false);
        var done = new List<string>();
        foreach (var script in MigrationScript.LoadEmbedded())
        {
            if (applied.TryGetValue(Key(script), out var checksum))
            {
                if (checksum != script.Checksum)
                {
                    Log.Warning("ClickHouse migration {Script} was edited after it was applied; migrations are forward-only: add a new file instead", script.Name);
                }

                continue;
            }

            if (script.ClusterOnly && !context.IsCluster)
            {
                Log.Debug("ClickHouse migration {Script} is cluster-only: nothing to do on a single node", script.Name);
            }
            else
            {
                await ApplyAsync(script, server.Version, ddlSettings, ct).ConfigureAwait(false);
            }

            await RecordAsync(script, server.Version, ct).ConfigureAwait(false);
            done.Add(script.Name);
        }

        await EnsureTargetExistsAsync(ct).ConfigureAwait(false);
        Log.Information("ClickHouse schema is current ({Applied} migrations applied now, server {Version}, {Mode})",
            done.Count, server.Version, context.IsCluster ? "cluster " + context.Cluster : "single node");
        return done;
    }

    /// <summary>
    /// The journal can record a table's migrations while the table is gone (its database dropped by hand): say so
    /// now, with the way out, instead of failing the first window with "database doesn't exist".
    /// </summary>
    private async Task EnsureTargetExistsAsync(CancellationToken ct)
    {
        var sql = $"SELECT count() FROM system.tables WHERE database = '{context.Database}' AND name = '{context.Table}'";
        if (await client.QueryLongAsync("check target table", sql, ct).ConfigureAwait(false) == 0)
        {
            throw new ClickHouseException("check target table", sql, null, 200,
                $"table {context.Database}.{context.Table} does not exist, but {Journal} records its migrations as applied (was it dropped by hand?). " +
                $"To create it again: ALTER TABLE {Journal} DELETE WHERE startsWith(name, '{context.Database}.{context.Table}/'), then etl --migrate-only");
        }
    }

    private async Task ApplyAsync(MigrationScript script, ServerVersion version, Dictionary<string, string> settings, CancellationToken ct)
    {
        var (statements, skipped) = script.Render(context, version);
        foreach (var clause in skipped)
        {
            Log.Warning("ClickHouse {Version} does not support {Clause} (needs {Needed}+): skipped in migration {Script}",
                version, clause, ServerVersion.Modern, script.Name);
        }

        foreach (var statement in statements)
        {
            await client.QueryAsync("migrate " + script.Name, statement, settings, ct).ConfigureAwait(false);
        }

        Log.Information("ClickHouse migration {Script} applied", script.Name);
    }

    private async Task EnsureJournalAsync(Dictionary<string, string> settings, CancellationToken ct)
    {
        var onCluster = context.IsCluster ? " ON CLUSTER " + context.Cluster : "";
        await client.QueryAsync("create migrations journal", $"CREATE DATABASE IF NOT EXISTS {context.MetaDatabase}{onCluster}", settings, ct).ConfigureAwait(false);
        await client.QueryAsync("create migrations journal",
            $"CREATE TABLE IF NOT EXISTS {Journal}{onCluster} (name String, checksum String, applied_at DateTime, server_version String, mode String) " +
            $"ENGINE = {context.MergeTreeEngine(Journal)} ORDER BY name", settings, ct).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, string>> AppliedAsync(CancellationToken ct)
    {
        var text = await client.QueryAsync("read migrations journal", $"SELECT name, any(checksum) FROM {Journal} GROUP BY name", null, ct).ConfigureAwait(false);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
    }

    /// <summary>Records are per target table: a second CH_DATABASE/CH_TABLE on the same server gets its own schema.</summary>
    private string Key(MigrationScript script) => $"{context.Database}.{context.Table}/{script.Name}";

    private Task RecordAsync(MigrationScript script, ServerVersion version, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mode = context.IsCluster ? "cluster" : "single";
        return client.QueryAsync("record migration " + script.Name,
            $"INSERT INTO {Journal} (name, checksum, applied_at, server_version, mode) " +
            $"SELECT '{Key(script)}', '{script.Checksum}', toDateTime({now}), '{version}', '{mode}'", null, ct);
    }
}
