using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Smoke;

/// <summary>The local servers that ops/services.sh starts are the ones the suite relies on.</summary>
public sealed class LocalServersTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task Postgres_fresh_database_accepts_password_login()
    {
        var dsn = await postgres.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(PostgresFixture.ToConnectionString(dsn));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT current_database(), current_setting('server_version_num')::int", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new Uri(dsn).AbsolutePath.TrimStart('/'), reader.GetString(0));
        Assert.InRange(reader.GetInt32(1), 150000, 159999);
    }

    [Fact]
    public async Task ClickHouse_single_node_MergeTree_round_trips_rows()
    {
        var db = await clickHouse.CreateDatabaseAsync();
        await clickHouse.QueryAsync($"CREATE TABLE {db}.x (a String, n UInt8) ENGINE = MergeTree ORDER BY a");
        await clickHouse.QueryAsync($"INSERT INTO {db}.x FORMAT TabSeparated", "b\t2\na\t1\n");
        Assert.Equal("a\t1\nb\t2\n", await clickHouse.QueryAsync($"SELECT a, n FROM {db}.x ORDER BY a"));
    }

    [Fact]
    public async Task ClickHouse_cluster_ReplicatedMergeTree_reads_back_through_Distributed()
    {
        var db = await clickHouse.CreateDatabaseAsync(onCluster: true);
        var cluster = clickHouse.Cluster;
        await clickHouse.QueryAsync(
            $"CREATE TABLE {db}.x ON CLUSTER {cluster} (a String) " +
            $"ENGINE = ReplicatedMergeTree('/clickhouse/tables/{db}.x', '{{shardless_repl}}') ORDER BY a");
        await clickHouse.QueryAsync(
            $"CREATE TABLE {db}.x_all ON CLUSTER {cluster} (a String) ENGINE = Distributed('{cluster}', '{db}', 'x', cityHash64(a))");
        await clickHouse.QueryAsync($"INSERT INTO {db}.x_all FORMAT TabSeparated", "q\nr\n", "insert_distributed_sync=1");
        Assert.Equal("q\nr\n", await clickHouse.QueryAsync($"SELECT a FROM {db}.x_all ORDER BY a"));
        Assert.Equal("ReplicatedMergeTree\n", await clickHouse.QueryAsync($"SELECT engine FROM system.tables WHERE database = '{db}' AND name = 'x'"));
        await clickHouse.QueryAsync($"DROP DATABASE {db} ON CLUSTER {cluster}");
    }
}
