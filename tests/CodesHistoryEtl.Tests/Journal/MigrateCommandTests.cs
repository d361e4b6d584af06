using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

public sealed class MigrateCommandTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_only_prints_what_it_applied_then_that_nothing_is_pending()
    {
        var dsn = await postgres.CreateDatabaseAsync();
        clickHouse.Require();
        var settings = EtlSettings.Load(new Dictionary<string, string>
        {
            ["PG_DSN"] = dsn, ["JOURNAL_TABLE"] = "ops.journal", ["CH_URL"] = clickHouse.Url.ToString(), ["CH_USER"] = clickHouse.User,
            ["CH_PASSWORD"] = clickHouse.Password, ["CH_DATABASE"] = clickHouse.ReserveDatabaseName(),
        });
        using var first = new StringWriter();
        using var second = new StringWriter();

        Assert.Equal(ExitCodes.Ok, await MigrateCommand.RunAsync(settings, first, Ct));
        Assert.Equal(ExitCodes.Ok, await MigrateCommand.RunAsync(settings, second, Ct));

        var firstLines = first.ToString().Trim().Split('\n');
        var secondLines = second.ToString().Trim().Split('\n');
        Assert.EndsWith(": applied 0001_journal.sql, 0002_committed_windows.sql", firstLines[0], StringComparison.Ordinal);
        Assert.EndsWith(": nothing pending", secondLines[0], StringComparison.Ordinal);
        Assert.StartsWith("ClickHouse ", firstLines[1], StringComparison.Ordinal);
        Assert.EndsWith(": nothing pending", secondLines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(new Uri(dsn).UserInfo.Split(':')[1], first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_dsn_is_a_configuration_error()
    {
        using var output = new StringWriter();

        Assert.Equal(ExitCodes.Config, await MigrateCommand.RunAsync(EtlSettings.Load(new Dictionary<string, string>()), output, Ct));
        Assert.Empty(output.ToString());
    }
}
