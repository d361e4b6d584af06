using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// Everything a run can change, as one text to compare before and after: the PostgreSQL test database
/// (its table list and the full contents of every table), the ClickHouse test database (tables and their
/// rows) plus this job's rows in the shared meta tables, and the export directory (names and SHA-256).
/// </summary>
public static class StoreSnapshot
{
    public static async Task<string> TakeAsync(Pipeline pipeline, ClickHouseFixture clickHouse)
    {
        var text = new StringBuilder();
        await AppendPostgresAsync(text, pipeline.PgDsn);
        await AppendClickHouseAsync(text, clickHouse, pipeline);
        text.AppendLine("== export dir");
        foreach (var file in Directory.EnumerateFiles(pipeline.ExportDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)));
            text.AppendLine(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(pipeline.ExportDir, file)} {hash}");
        }

        return text.ToString();
    }

    private static async Task AppendPostgresAsync(StringBuilder text, string dsn)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(PostgresFixture.ToConnectionString(dsn));
        await connection.OpenAsync(ct);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables " +
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            text.AppendLine("== postgres " + table);
            await using var select = new NpgsqlCommand($"SELECT t::text FROM {table} t ORDER BY 1", connection);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                text.AppendLine(reader.GetString(0));
            }
        }
    }

    private static async Task AppendClickHouseAsync(StringBuilder text, ClickHouseFixture clickHouse, Pipeline pipeline)
    {
        var tables = (await clickHouse.QueryAsync($"SELECT name FROM system.tables WHERE database = '{pipeline.ChDatabase}' ORDER BY name"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var table in tables)
        {
            text.AppendLine("== clickhouse " + table).AppendLine(await SortedRowsAsync(clickHouse, $"SELECT * FROM {pipeline.ChDatabase}.{table}"));
        }

        var meta = (await clickHouse.QueryAsync("SELECT name FROM system.tables WHERE database = 'meta'")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (table, where) in new[]
                 {
                     ("etl_runs", $"job = '{pipeline.ProcessName}'"), ("etl_alerts", $"job = '{pipeline.ProcessName}'"),
                     ("clickhouse_migrations", $"startsWith(name, '{pipeline.ChDatabase}.')"),
                 })
        {
            if (meta.Contains(table, StringComparer.Ordinal))
            {
                text.AppendLine("== clickhouse meta." + table).AppendLine(await SortedRowsAsync(clickHouse, $"SELECT * FROM meta.{table} WHERE {where}"));
            }
        }
    }

    private static async Task<string> SortedRowsAsync(ClickHouseFixture clickHouse, string select) =>
        string.Join('\n', (await clickHouse.QueryAsync(select + " FORMAT TabSeparated")).Split('\n').Order(StringComparer.Ordinal));
}
