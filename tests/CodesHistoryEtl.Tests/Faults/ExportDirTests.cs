using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// The export directory read-only, full, missing, or a file: a clear error naming the file and the OS reason,
/// exit 1, nothing half-written visible, ClickHouse without the failed window, the watermark not past it; then parity.
/// </summary>
public sealed class ExportDirTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private static readonly IReadOnlyList<Window> Windows = FaultScenario.Hours(2);
    private static readonly IReadOnlyList<Window> FirstOnly = FaultScenario.Hours(1);

    [Fact]
    public async Task Read_only_export_dir_fails_the_rerun_of_a_window_keeping_its_old_csv_and_the_remounted_rerun_reaches_parity()
    {
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(13, new DateOnly(2025, 7, 31), 2, 2_400));
        using var mount = TmpfsMount.Over(pipeline.ExportDir, "4m");
        await FaultEndings.AssertRunLandsAsync(pipeline, FirstOnly);
        var firstCsv = ExportFileNames.Csv(pipeline.Export, Windows[0], Pipeline.Almaty);
        var before = await File.ReadAllBytesAsync(firstCsv, TestContext.Current.CancellationToken);

        mount.Remount("ro");
        var failed = await pipeline.RunAsync(FaultScenario.RunArgs(Windows));

        await FaultEndings.AssertFailedAsync(pipeline, failed, "export", "Read-only file system", Windows[0].Until);
        Assert.Contains($".{Path.GetFileName(firstCsv)}.", failed.Stderr, StringComparison.Ordinal); // the file it could not create
        Assert.Equal(before, await File.ReadAllBytesAsync(firstCsv, TestContext.Current.CancellationToken));
        await pipeline.AssertParityAsync(FirstOnly);
        Assert.Equal(0, await pipeline.CountAsync(Windows[1]));
        Assert.False(File.Exists(ExportFileNames.Csv(pipeline.Export, Windows[1], Pipeline.Almaty)));

        mount.Remount("rw");
        await FaultEndings.AssertRunLandsAsync(pipeline, Windows);
    }

    [Theory]
    [InlineData(150, "256k")] // ~600 KB of text: the writer's buffer goes to disk mid-window, and fails there
    [InlineData(40, "128k")] // ~180 KB: it stays in the buffer until the window ends, and fails at that last write, before the insert's body ends
    public async Task Export_dir_filling_up_in_a_window_fails_that_window_whole_and_after_freeing_space_the_rerun_reaches_parity(int bigRows, string size)
    {
        // window 1 is small; window 2 carries more text than the filesystem has left
        var big = Enumerable.Range(0, bigRows).Select(i => SampleRows.Make($"big-{i:D4}", 1, Windows[1].Since.AddSeconds(i),
            ("b", SampleRows.Text(new string('x', 4_000)))));
        var rows = SyntheticData.Generate(17, new DateOnly(2025, 7, 31), 2, 1_200).Concat(big);
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, rows);
        using var mount = TmpfsMount.Over(pipeline.ExportDir, size);

        var failed = await pipeline.RunAsync(FaultScenario.RunArgs(Windows));

        await FaultEndings.AssertFailedAsync(pipeline, failed, "export", "No space left on device", Windows[0].Until);
        var secondCsv = ExportFileNames.Csv(pipeline.Export, Windows[1], Pipeline.Almaty);
        Assert.Contains($".{Path.GetFileName(secondCsv)}.", failed.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(secondCsv));
        Assert.True(await pipeline.CountAsync(Windows[1]) == 0, failed.Stderr); // neither CSV nor ClickHouse holds the failed window
        await pipeline.AssertParityAsync(FirstOnly);

        mount.Remount("size=4m");
        await FaultEndings.AssertRunLandsAsync(pipeline, Windows);
    }

    [Fact]
    public async Task Missing_export_dir_is_created()
    {
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(19, new DateOnly(2025, 7, 31), 2, 1_200));
        Directory.Delete(pipeline.ExportDir);

        await FaultEndings.AssertRunLandsAsync(pipeline, Windows);
    }

    [Fact]
    public async Task Export_dir_that_is_a_file_fails_naming_it_and_the_rerun_after_removing_it_reaches_parity()
    {
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(23, new DateOnly(2025, 7, 31), 2, 1_200));
        Directory.Delete(pipeline.ExportDir);
        await File.WriteAllTextAsync(pipeline.ExportDir, "not a directory", TestContext.Current.CancellationToken);

        var failed = await pipeline.RunAsync(FaultScenario.RunArgs(Windows));

        await FaultEndings.AssertFailedAsync(pipeline, failed, "export", pipeline.ExportDir, null);
        Assert.Equal("not a directory", await File.ReadAllTextAsync(pipeline.ExportDir, TestContext.Current.CancellationToken));
        Assert.Equal(0, await pipeline.CountAsync(new Window(Windows[0].Since, Windows[^1].Until)));

        File.Delete(pipeline.ExportDir);
        await FaultEndings.AssertRunLandsAsync(pipeline, Windows);
    }
}
