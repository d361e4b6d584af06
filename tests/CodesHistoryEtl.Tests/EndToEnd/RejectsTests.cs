using System.Text.Json;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using static CodesHistoryEtl.Tests.Support.SampleRows;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// Bad source rows go to the rejects file beside the window's CSV with the reason and the row, are counted in
/// the journal, and fail the run past MAX_REJECTS only after every window of the run was done and committed.
/// </summary>
public sealed class RejectsTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private const string Until = "2025-08-01T13:00:00+05:00";

    [Fact]
    public async Task Rejects_are_filed_and_counted_and_fail_the_run_after_all_windows_only_past_max_rejects()
    {
        var windows = E2eRows.Windows(until: Until);
        var bad = BadRows(windows[0]).Concat(BadRows(windows[2])).ToList();
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows, rowsPerDay: 1_000).Concat(bad));
        string[] run = ["run", "--since", E2eRows.Since, "--until", Until];

        var strict = await pipeline.RunAsync(run); // MAX_REJECTS defaults to 0
        Assert.True(strict.ExitCode == ExitCodes.Failed, strict.Stderr);
        var failed = (await pipeline.RunsAsync())[0];
        Assert.Equal(("error", "rejects"), (failed.Status, failed.ErrorKind));
        Assert.Contains("MAX_REJECTS", failed.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(windows.Count, failed.WindowsDone);
        Assert.Equal(bad.Count, failed.RowsRejected);
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
        await pipeline.AssertParityAsync(windows);
        AssertRejectsFiles(pipeline, windows);

        pipeline.Env["MAX_REJECTS"] = bad.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tolerant = await pipeline.RunAsync(run);
        Assert.True(tolerant.ExitCode == ExitCodes.Ok, tolerant.Stderr);
        var ok = (await pipeline.RunsAsync())[0];
        Assert.Equal(("ok", (long)bad.Count), (ok.Status, ok.RowsRejected));
        await pipeline.AssertParityAsync(windows);
        AssertRejectsFiles(pipeline, windows);
    }

    private static IEnumerable<SourceRow> BadRows(Window window)
    {
        var at = window.Since.AddMinutes(20);
        yield return Make("c-placeholder", 1, at, ("c", CodesHistoryEtl.Etl.FieldValue.Null));
        yield return Make("null-t", 1, at, ("t", CodesHistoryEtl.Etl.FieldValue.Null));
        yield return Make("t-300", 300, at);
        yield return Make("pg-70000", 1, at, ("pg", Number(70_000)));
        // invalid text that can cross the wire (a lone surrogate cannot: a UTF-8 server sends U+FFFD or '?' instead)
        yield return Make("too-long", 1, at, ("rn", Text(new string('x', RowTransformer.MaxTextLength + 1))));
    }

    private static void AssertRejectsFiles(Pipeline pipeline, IReadOnlyList<Window> windows)
    {
        Assert.False(File.Exists(ExportFileNames.Rejects(pipeline.Export, windows[1], Pipeline.Almaty)), "window 1 has no bad row but a rejects file");
        foreach (var window in new[] { windows[0], windows[2] })
        {
            var lines = File.ReadAllLines(ExportFileNames.Rejects(pipeline.Export, window, Pipeline.Almaty));
            var rejects = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
            var reasons = rejects.ToDictionary(r => r.GetProperty("row").GetProperty("c").ToString(), r => r.GetProperty("reason").GetString()!);
            Assert.Equal(5, rejects.Count);
            Assert.Contains("c is NULL", reasons[""], StringComparison.Ordinal);
            Assert.Contains("t is NULL", reasons["null-t"], StringComparison.Ordinal);
            Assert.Contains("t: 300 is outside 0..255", reasons["t-300"], StringComparison.Ordinal);
            Assert.Contains("pg: 70000 is outside 0..65535", reasons["pg-70000"], StringComparison.Ordinal);
            Assert.Contains("rn: text of 1048577 characters is longer than 1048576", reasons["too-long"], StringComparison.Ordinal);
            Assert.All(rejects, r => Assert.Equal(window.Since.AddMinutes(20).ToUnixTimeMilliseconds(), r.GetProperty("row").GetProperty("opd").GetInt64()));
        }
    }
}
