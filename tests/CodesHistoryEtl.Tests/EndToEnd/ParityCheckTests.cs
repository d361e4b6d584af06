using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>The parity check itself can fail: a CSV missing a line, or ClickHouse holding an extra row, is caught.</summary>
public sealed class ParityCheckTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task A_missing_csv_line_or_an_extra_clickhouse_row_fails_the_parity_check()
    {
        var windows = E2eRows.Windows();
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows));
        var result = await pipeline.RunAsync("run", "--since", E2eRows.Since, "--until", E2eRows.Until);
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Stderr);
        await pipeline.AssertParityAsync(windows);

        var csv = ExportFileNames.Csv(pipeline.Export, windows[0], Pipeline.Almaty);
        var original = await File.ReadAllLinesAsync(csv, TestContext.Current.CancellationToken);
        var line = Array.FindIndex(original, l => l.StartsWith($"\"{E2eRows.DuplicateC}\"", StringComparison.Ordinal) && l.Contains("again", StringComparison.Ordinal));
        Assert.True(line > 0, "the CSV should hold the second row of the duplicate pair on one line");
        var withoutOne = original.Where((_, i) => i != line).ToArray();
        await File.WriteAllLinesAsync(csv, withoutOne, TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => pipeline.AssertParityAsync(windows));

        await File.WriteAllLinesAsync(csv, original, TestContext.Current.CancellationToken);
        await pipeline.AssertParityAsync(windows);
        await clickHouse.QueryAsync($"INSERT INTO {pipeline.Table} SELECT * FROM {pipeline.Table} WHERE opd >= toDateTime({windows[1].Since.ToUnixTimeSeconds()}) LIMIT 1");
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => pipeline.AssertParityAsync(windows));
    }
}
