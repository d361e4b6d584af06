using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.ClickHouse;

public sealed class ClickHouseMigratorTests(ClickHouseFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Single_node_creates_MergeTree_tables_and_reapplying_is_a_no_op()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture, cluster: false);
        var db = target.Settings.Database;
        var meta = target.Context.MetaDatabase;
        Assert.Equal("daily_codes_history\tMergeTree\n", await fixture.QueryAsync($"SELECT name, engine FROM system.tables WHERE database = '{db}' ORDER BY name"));
        Assert.Equal("clickhouse_migrations\tMergeTree\netl_alerts\tMergeTree\netl_runs\tMergeTree\n",
            await fixture.QueryAsync($"SELECT name, engine FROM system.tables WHERE database = '{meta}' ORDER BY name"));
        await AssertTargetColumnsAsync(db, "daily_codes_history");

        using var client = new ClickHouseClient(target.Settings);
        var again = await new ClickHouseMigrator(client, target.Context).MigrateAsync(Ct);
        Assert.Empty(again);
        Assert.Equal("3\n", await fixture.QueryAsync($"SELECT count() FROM {meta}.clickhouse_migrations"));
    }

    [Fact]
    public async Task A_table_dropped_by_hand_after_its_migrations_is_named_with_the_way_to_create_it_again()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture, cluster: false);
        var table = $"{target.Settings.Database}.{target.Settings.Table}";
        await fixture.QueryAsync($"DROP DATABASE {target.Settings.Database}");
        using var client = new ClickHouseClient(target.Settings);

        var error = await Assert.ThrowsAsync<ClickHouseException>(() => new ClickHouseMigrator(client, target.Context).MigrateAsync(Ct));

        Assert.Contains($"table {table} does not exist", error.Message, StringComparison.Ordinal);
        var fix = $"ALTER TABLE {target.Context.MetaDatabase}.clickhouse_migrations DELETE WHERE startsWith(name, '{table}/')";
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        await fixture.QueryAsync(fix);
        for (var i = 0; i < 100 && await fixture.QueryAsync($"SELECT count() FROM {target.Context.MetaDatabase}.clickhouse_migrations WHERE startsWith(name, '{table}/')") != "0\n"; i++)
        {
            await Task.Delay(50, Ct); // the DELETE is a mutation, asynchronous on 18.16
        }

        Assert.Equal(3, (await new ClickHouseMigrator(client, target.Context).MigrateAsync(Ct)).Count);
        Assert.Equal("1\n", await fixture.QueryAsync($"EXISTS TABLE {table}"));
    }

    [Fact]
    public async Task Cluster_mode_creates_Replicated_and_Distributed_tables_and_reapplying_is_a_no_op()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture, cluster: true);
        var db = target.Settings.Database;
        Assert.Equal("daily_codes_history\tReplicatedMergeTree\ndaily_codes_history_all\tDistributed\n",
            await fixture.QueryAsync($"SELECT name, engine FROM system.tables WHERE database = '{db}' ORDER BY name"));
        Assert.Contains("ReplicatedMergeTree", await fixture.QueryAsync(
            $"SELECT engine FROM system.tables WHERE database = '{target.Context.MetaDatabase}' AND name = 'etl_runs'"), StringComparison.Ordinal);
        await AssertTargetColumnsAsync(db, "daily_codes_history");
        await AssertTargetColumnsAsync(db, "daily_codes_history_all");

        using var client = new ClickHouseClient(target.Settings);
        Assert.Empty(await new ClickHouseMigrator(client, target.Context).MigrateAsync(Ct));
    }

    /// <summary>The table's insertable columns are exactly Columns.Target (names and types) plus the ETL's metadata.</summary>
    private async Task AssertTargetColumnsAsync(string db, string table)
    {
        var rows = await fixture.QueryAsync(
            $"SELECT name, type, default_kind FROM system.columns WHERE database = '{db}' AND table = '{table}' FORMAT TabSeparated");
        var columns = rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToArray();
        var insertable = columns.Where(c => c[2] is "" or "DEFAULT").Select(c => (c[0], c[1])).ToArray();
        var expected = Columns.Target.Select(c => (c.Name, c.ClickHouseType))
            .Concat([("ts_ingested", "DateTime"), ("etl_job", "LowCardinality(String)"), ("load_id", "UUID")]);
        Assert.Equal(expected, insertable);
        Assert.Equal(["ts_biz", "d_biz", "h_biz"], columns.Where(c => c[2] is "MATERIALIZED" or "ALIAS").Select(c => c[0]));
    }
}
