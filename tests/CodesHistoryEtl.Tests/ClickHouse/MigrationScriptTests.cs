using CodesHistoryEtl.ClickHouse;

namespace CodesHistoryEtl.Tests.ClickHouse;

public sealed class MigrationScriptTests
{
    private static readonly MigrationContext Single = new("stg", "daily_codes_history", "daily_codes_history", null, "meta", "Asia/Almaty");
    private static readonly MigrationContext Cluster = new("stg", "daily_codes_history", "daily_codes_history_all", "shardless", "meta", "Asia/Almaty");
    private static readonly ServerVersion Old = ServerVersion.Parse("18.16.1");
    private static readonly ServerVersion New = ServerVersion.Parse("24.3.1.2672");

    private static MigrationScript Table => MigrationScript.LoadEmbedded().Single(s => s.Name == "001_daily_codes_history.sql");

    [Fact]
    public void Embedded_files_load_in_name_order()
    {
        var names = MigrationScript.LoadEmbedded().Select(s => s.Name).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("001_daily_codes_history.sql", names);
    }

    [Fact]
    public void Single_node_gets_MergeTree_without_ON_CLUSTER()
    {
        var (statements, _) = Table.Render(Single, Old);
        Assert.Equal(2, statements.Count);
        Assert.Equal("CREATE DATABASE IF NOT EXISTS stg", statements[0]);
        Assert.StartsWith("CREATE TABLE IF NOT EXISTS stg.daily_codes_history\n(", statements[1], StringComparison.Ordinal);
        Assert.Contains("ENGINE = MergeTree\n", statements[1], StringComparison.Ordinal);
        Assert.DoesNotContain("{", statements[1].Replace("{shardless_repl}", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_gets_ReplicatedMergeTree_on_its_own_path_and_ON_CLUSTER()
    {
        var (statements, _) = Table.Render(Cluster, Old);
        Assert.Contains("CREATE TABLE IF NOT EXISTS stg.daily_codes_history ON CLUSTER shardless", statements[1], StringComparison.Ordinal);
        Assert.Contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/stg.daily_codes_history', '{shardless_repl}')", statements[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Old_servers_skip_CODEC_and_TTL_and_name_them()
    {
        var (statements, skipped) = Table.Render(Single, Old);
        Assert.Equal(["CODEC(ZSTD(6))", "TTL d_biz + INTERVAL 365 DAY"], skipped);
        Assert.DoesNotContain("CODEC", statements[1], StringComparison.Ordinal);
        Assert.DoesNotContain("TTL", statements[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Modern_servers_keep_CODEC_and_TTL()
    {
        var (statements, skipped) = Table.Render(Single, New);
        Assert.Empty(skipped);
        Assert.Contains("ch   Array(String) DEFAULT [] CODEC(ZSTD(6)),", statements[1], StringComparison.Ordinal);
        Assert.Contains("\nTTL d_biz + INTERVAL 365 DAY\n", statements[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Business_denormalisations_use_the_explicit_zone_form_on_ts_minus_one()
    {
        var (statements, _) = Table.Render(Single with { BusinessTz = "Asia/Tashkent" }, New);
        Assert.Contains("d_biz  Date     MATERIALIZED toDate(ts - 1, 'Asia/Tashkent')", statements[1], StringComparison.Ordinal);
        Assert.Contains("h_biz  UInt8    MATERIALIZED toHour(ts - 1, 'Asia/Tashkent')", statements[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_zone_name_that_could_carry_SQL_is_refused()
    {
        var settings = new CodesHistoryEtl.Config.ClickHouseSettings(new Uri("http://x"), "u", "", "stg", "t", null, "t", 1);
        Assert.Throws<CodesHistoryEtl.Config.ConfigException>(() => MigrationContext.From(settings, "Asia/Almaty'); DROP TABLE x; --"));
    }
}
