using System.Text.Json;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// Source rows that do not fit the target: each goes to the window's rejects file with a reason naming the column,
/// is counted in the journal, and MAX_REJECTS decides the exit code; the good rows of the same window land exactly once.
/// A NULL opd cannot reach a window (the window query filters on opd), and invalid text cannot cross the UTF-8
/// wire (a lone surrogate arrives as '?' from Java, U+FFFD from the simulator): RowTransformerTests cover those.
/// </summary>
public sealed class BadSourceRowTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task Bad_rows_are_rejected_naming_the_column_and_max_rejects_decides_the_exit_code()
    {
        var windows = FaultScenario.Hours(2);
        var at = windows[0].Since.AddMinutes(7);
        (string Column, FieldValue Value)[] bad =
        [
            ("c", FieldValue.Null), ("t", FieldValue.Null), ("t", SampleRows.Number(256)), ("st", SampleRows.Number(-1)),
            ("pg", SampleRows.Number(-1)), ("pg", SampleRows.Number(65_536)), ("emd", SampleRows.Number(-1)),
            ("b", SampleRows.Text(new string('x', RowTransformer.MaxTextLength + 1))),
            ("ch", SampleRows.Array(Enumerable.Repeat("e", RowTransformer.MaxArrayLength + 1).ToArray())),
        ];
        var badRows = bad.Select((b, i) => SampleRows.Make($"bad-{i:D2}", 1, at.AddSeconds(i), b)).ToList();
        var rows = SyntheticData.Generate(29, new DateOnly(2025, 7, 31), 2, 2_400).Concat(badRows);
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, rows);
        pipeline.Env["MAX_REJECTS"] = (bad.Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var over = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        await FaultEndings.AssertFailedAsync(pipeline, over, "rejects", $"{bad.Length} rejected rows exceed MAX_REJECTS={bad.Length - 1}", windows[^1].Until);
        var failed = (await pipeline.RunsAsync())[0];
        Assert.Equal(("error", "rejects", bad.Length), (failed.Status, failed.ErrorKind, (int)failed.RowsRejected));
        await pipeline.AssertParityAsync(windows); // the good rows landed, each once
        await AssertRejectsFileAsync(pipeline, windows, bad);

        pipeline.Env["MAX_REJECTS"] = bad.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await FaultEndings.AssertRunLandsAsync(pipeline, windows);
        Assert.Equal(bad.Length, (await pipeline.RunsAsync())[0].RowsRejected);
        await AssertRejectsFileAsync(pipeline, windows, bad); // replaced, not appended
    }

    private static async Task AssertRejectsFileAsync(Pipeline pipeline, IReadOnlyList<Window> windows, (string Column, FieldValue Value)[] bad)
    {
        Assert.False(File.Exists(ExportFileNames.Rejects(pipeline.Export, windows[1], Pipeline.Almaty)));
        var lines = await File.ReadAllLinesAsync(ExportFileNames.Rejects(pipeline.Export, windows[0], Pipeline.Almaty), TestContext.Current.CancellationToken);
        var rejects = lines.Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("row").GetProperty("c").GetString() ?? "", r => r.GetProperty("reason").GetString()!);
        Assert.Equal(bad.Length, lines.Length);
        for (var i = 0; i < bad.Length; i++)
        {
            // the row with c NULL is the only one without its c in the file
            var reason = rejects[bad[i].Column == "c" ? "" : $"bad-{i:D2}"];
            Assert.True(reason.StartsWith(bad[i].Column + " ", StringComparison.Ordinal) || reason.StartsWith(bad[i].Column + ":", StringComparison.Ordinal),
                $"row {i} ({bad[i].Column}): reason '{reason}' does not name the column");
        }
    }
}
