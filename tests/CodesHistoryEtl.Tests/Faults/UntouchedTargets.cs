using System.Globalization;
using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// One pipeline shared by the bad-input cases (each must leave it untouched, so sharing it also proves that):
/// no table in its PostgreSQL database, none in its ClickHouse database, nothing in its export directory.
/// </summary>
public sealed class UntouchedTargets(PostgresFixture postgres, ClickHouseFixture clickHouse) : IAsyncLifetime
{
    private Pipeline? _pipeline;

    public Pipeline Pipeline => _pipeline ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _pipeline = await Pipeline.StartAsync(postgres, clickHouse, []);

    public async Task AssertNothingWrittenAsync(string what)
    {
        await using var connection = new NpgsqlConnection(PostgresFixture.ToConnectionString(Pipeline.PgDsn));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", connection);
        Assert.True((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! == 0, $"{what}: PostgreSQL tables were created");
        var chTables = await clickHouse.QueryAsync($"SELECT count() FROM system.tables WHERE database = '{Pipeline.ChDatabase}'");
        Assert.True(long.Parse(chTables.Trim(), CultureInfo.InvariantCulture) == 0, $"{what}: ClickHouse tables were created");
        Assert.True(Directory.GetFileSystemEntries(Pipeline.ExportDir).Length == 0, $"{what}: files were written to the export directory");
    }

    public async ValueTask DisposeAsync()
    {
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }
    }
}
