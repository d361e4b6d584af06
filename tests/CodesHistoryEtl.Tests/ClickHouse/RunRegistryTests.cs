using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.ClickHouse;

public sealed class RunRegistryTests(ClickHouseFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EtlRunRecord Run(string? error) => new(
        "codes_history_increment", Guid.NewGuid(),
        new DateTimeOffset(2024, 8, 1, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 8, 1, 10, 5, 7, TimeSpan.Zero),
        error is null ? "ok" : "error", 1234, 1200, error,
        new DateTimeOffset(2024, 8, 1, 5, 0, 0, TimeSpan.Zero), null, "etl-host-1", "0.1.0");

    [Fact]
    public async Task Records_a_run_and_masks_the_password_in_its_error()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var run = Run($"insert failed: password={fixture.Password} rejected");

        Assert.True(await new RunRegistry(client, target.Context.MetaDatabase).RecordRunAsync(run, Ct));

        var back = await fixture.QueryAsync(
            "SELECT job, toString(run_id), toUnixTimestamp(started_at), toUnixTimestamp(finished_at), status, rows_read, rows_written, err_msg, " +
            $"toUnixTimestamp(from_ts), to_ts, host, version_tag FROM {target.Context.MetaDatabase}.etl_runs FORMAT TabSeparated");
        Assert.Equal(
            $"codes_history_increment\t{run.RunId}\t{run.StartedAt.ToUnixTimeSeconds()}\t{run.FinishedAt.ToUnixTimeSeconds()}\terror\t1234\t1200\t" +
            $"insert failed: password=*** rejected\t{run.From!.Value.ToUnixTimeSeconds()}\t\\N\tetl-host-1\t0.1.0\n", back);
    }

    [Fact]
    public async Task A_failure_to_record_is_reported_not_thrown()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture, migrate: false);
        using var client = new ClickHouseClient(target.Settings);
        Assert.False(await new RunRegistry(client, target.Context.MetaDatabase).RecordRunAsync(Run(null), Ct));
    }
}
