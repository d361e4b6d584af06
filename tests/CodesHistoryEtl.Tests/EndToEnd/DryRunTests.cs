using System.Globalization;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// <c>etl run --dry-run</c> prints the plan (windows in UTC and business time), the SQL, the EXPLAIN with its
/// FULL SCAN warning and each window's row count, exits 0, and leaves PostgreSQL, ClickHouse and the export
/// directory byte-for-byte as they were: on a fresh empty state and after a real run.
/// </summary>
public sealed class DryRunTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task A_dry_run_prints_the_plan_and_counts_and_changes_no_store_before_or_after_a_real_run()
    {
        var windows = E2eRows.Windows();
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows, rowsPerDay: 1_000));
        string[] range = ["--since", E2eRows.Since, "--until", E2eRows.Until];

        await AssertDryRunChangesNothingAsync(pipeline, windows, ["run", "--dry-run", .. range]);
        pipeline.Env["INITIAL_SINCE"] = E2eRows.Since; // the scheduled form reads the watermark, which does not exist yet
        var scheduled = await AssertDryRunChangesNothingAsync(pipeline, null, ["run", "--dry-run"]);
        Assert.Contains("2025-08-01 10:00", scheduled, StringComparison.Ordinal);

        var real = await pipeline.RunAsync(["run", .. range]);
        Assert.True(real.ExitCode == ExitCodes.Ok, real.Stderr);
        await AssertDryRunChangesNothingAsync(pipeline, windows, ["run", "--dry-run", .. range]);
        await AssertDryRunChangesNothingAsync(pipeline, null, ["run", "--dry-run"]);
        await pipeline.AssertParityAsync(windows);
    }

    private async Task<string> AssertDryRunChangesNothingAsync(Pipeline pipeline, IReadOnlyList<CodesHistoryEtl.Etl.Window>? windows, string[] args)
    {
        var before = await StoreSnapshot.TakeAsync(pipeline, clickHouse);
        var dry = await pipeline.RunAsync(args);
        Assert.True(dry.ExitCode == ExitCodes.Ok, dry.Stdout + dry.Stderr);
        Assert.Equal(before, await StoreSnapshot.TakeAsync(pipeline, clickHouse));

        Assert.Contains("SELECT", dry.Stdout, StringComparison.Ordinal);
        Assert.Contains("EXPLAIN", dry.Stdout, StringComparison.Ordinal);
        Assert.Contains("WARNING: FULL SCAN", dry.Stdout, StringComparison.Ordinal);
        foreach (var window in windows ?? [])
        {
            var line = dry.Stdout.Split('\n').SingleOrDefault(l => l.StartsWith(window.ToString(), StringComparison.Ordinal));
            Assert.True(line is not null, $"no plan line for window {window} in:\n{dry.Stdout}");
            var business = TimeZoneInfo.ConvertTime(window.Since, Pipeline.Almaty).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            Assert.Contains(business, line, StringComparison.Ordinal);
            var rows = pipeline.Sim.Data.RowsIn(window.Since, window.Until).Count;
            Assert.Matches($@"\s{rows}\s+0\s", line);
        }

        return dry.Stdout;
    }
}
