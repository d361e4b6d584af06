using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>The real exe from the simulator to CSV, ClickHouse and the journal: every source row exactly once, values equal.</summary>
public sealed class RunEndToEndTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task A_business_day_lands_exactly_once_in_csv_and_clickhouse_and_a_rerun_changes_nothing()
    {
        var day = Pipeline.Hours("2025-08-01", "2025-08-02");
        var rows = SyntheticData.Generate(7, new DateOnly(2025, 7, 31), 2, 2_000)
            .Concat(SampleRows.Tricky(day[5])).Concat(SampleRows.Tricky(day[^1]));
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, rows);

        var first = await pipeline.RunAsync("run", "--since", "2025-08-01", "--until", "2025-08-02");
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Stderr);
        await pipeline.AssertParityAsync(day);
        Assert.Equal(day[^1].Until, await pipeline.WatermarkAsync());

        var again = await pipeline.RunAsync("run", "--since", "2025-08-01", "--until", "2025-08-02");
        Assert.True(again.ExitCode == ExitCodes.Ok, again.Stderr);
        await pipeline.AssertParityAsync(day);
        var runs = await pipeline.RunsAsync();
        Assert.Equal(["ok", "ok"], runs.Select(r => r.Status));
        Assert.All(runs, r => Assert.Equal(24, r.WindowsDone));

        var status = await pipeline.RunAsync("status");
        Assert.True(status.ExitCode == ExitCodes.Ok, status.Stderr);
        Assert.Contains("2025-08-01 00:00..24:00", status.Stdout, StringComparison.Ordinal);
    }
}
