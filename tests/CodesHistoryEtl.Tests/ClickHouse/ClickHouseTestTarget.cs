using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.ClickHouse;

/// <summary>A fresh target schema for one test: its own data and meta databases, migrated, single node or cluster.</summary>
public sealed record ClickHouseTestTarget(ClickHouseSettings Settings, MigrationContext Context)
{
    public static async Task<ClickHouseTestTarget> CreateAsync(ClickHouseFixture fixture, bool cluster = false, bool migrate = true)
    {
        var database = await fixture.CreateDatabaseAsync(cluster);
        var meta = await fixture.CreateDatabaseAsync(cluster);
        var settings = SettingsFor(fixture, database, cluster ? fixture.Cluster : null);
        var target = new ClickHouseTestTarget(settings, MigrationContext.From(settings, "Asia/Almaty", meta));
        if (migrate)
        {
            using var client = new ClickHouseClient(settings);
            await new ClickHouseMigrator(client, target.Context).MigrateAsync(TestContext.Current.CancellationToken);
        }

        return target;
    }

    public static ClickHouseSettings SettingsFor(ClickHouseFixture fixture, string database, string? cluster, string? password = null) =>
        new(fixture.Url, fixture.User, password ?? fixture.Password, database, "daily_codes_history", cluster,
            cluster is null ? "daily_codes_history" : "daily_codes_history_all", TimeoutSec: 30);

    public string Table => $"{Settings.Database}.{Settings.Table}";

    public string InsertTable => $"{Settings.Database}.{Settings.InsertTable}";
}
