using System.Globalization;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Faults;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// CH_INSERT_MIN_ROWS (the default path; other tests give each window its own insert): consecutive windows share one
/// ClickHouse insert until it holds that many rows, yet each window keeps its own CSV, journal row and watermark step,
/// a crash or a lost Phoenix session mid-batch loses and duplicates nothing, and a slow query ends the batch before it.
/// Inserts are counted on the server: each takes the table's next block number, which its parts keep through merges.
/// </summary>
public sealed class BatchedWindowTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    private const int SigKillExitCode = 128 + 9;

    private static readonly IReadOnlyList<SourceRow> Rows = SyntheticData.Generate(17, new DateOnly(2025, 7, 31), 2, 4_800);

    [Fact]
    public async Task Windows_share_one_insert_until_it_holds_CH_INSERT_MIN_ROWS_and_each_commits_its_own_csv_journal_row_and_watermark_step()
    {
        var windows = FaultScenario.Hours(6);
        await using var pipeline = await StartAsync();
        var minRows = RowsOf(pipeline, windows[0]) + RowsOf(pipeline, windows[1]) + 1;
        pipeline.Env["CH_INSERT_MIN_ROWS"] = minRows.ToString(CultureInfo.InvariantCulture);

        var run = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        await FaultEndings.AssertLandedAsync(pipeline, windows);
        var batches = Batches(windows.Select(w => RowsOf(pipeline, w)), minRows);
        Assert.True(batches < windows.Count, $"{batches} batches for {windows.Count} windows: the data does not make batches");
        Assert.Equal(batches, await InsertsAsync(pipeline));
        var committed = windows.Select(w => run.Stderr.IndexOf($"Window {w} committed: ", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, committed);
        Assert.Equal(committed.Order(), committed);
    }

    [Fact]
    public async Task A_kill_while_a_batch_commits_leaves_a_committed_prefix_and_the_rerun_reaches_parity()
    {
        var windows = FaultScenario.Hours(6);
        await using var pipeline = await StartAsync();
        // the first batch is windows 0-2; it commits once the second (3-4; the last window goes alone) is read, and dies at its second CSV
        pipeline.Env["CH_INSERT_MIN_ROWS"] = (RowsOf(pipeline, windows[0]) + RowsOf(pipeline, windows[1]) + 1).ToString(CultureInfo.InvariantCulture);
        pipeline.Env["ETL_FAILPOINT"] = "after-csv-rename:2";

        var killed = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        Assert.True(killed.ExitCode == SigKillExitCode, killed.Stderr);
        Assert.Equal(windows[0].Until, await pipeline.WatermarkAsync());
        Assert.True(File.Exists(ExportFileNames.Csv(pipeline.Export, windows[1], Pipeline.Almaty)));
        Assert.False(File.Exists(ExportFileNames.Csv(pipeline.Export, windows[2], Pipeline.Almaty)));
        Assert.Equal(pipeline.Expected(windows[2]).Count, await pipeline.CountAsync(windows[2])); // its batch's insert is whole

        pipeline.Env.Remove("ETL_FAILPOINT");
        await PostgresSessions.WaitUntilNoLockAsync(pipeline);
        var rerun = await pipeline.RunAsync(FaultScenario.RunArgs(windows));
        Assert.True(rerun.ExitCode == ExitCodes.Ok, rerun.Stderr);
        await FaultEndings.AssertLandedAsync(pipeline, windows);
    }

    [Fact]
    public async Task A_session_lost_in_a_batch_s_second_window_re_reads_the_batch_from_its_first_without_duplicates()
    {
        var windows = FaultScenario.Hours(3);
        await using var pipeline = await StartAsync();
        pipeline.Env["PHX_FETCHMANY_SIZE"] = "100";
        Assert.True(RowsOf(pipeline, windows[1]) > 100, "window 1 needs two frames at least");
        // window 0's frames and one of window 1's are served, then every session expires: window 1 breaks mid-stream
        pipeline.Sim.Faults.ExpireConnectionsAfterFrames((int)Math.Ceiling(pipeline.Sim.Data.RowsIn(windows[0].Since, windows[0].Until).Count() / 100.0) + 1);

        var run = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Contains($"Window {windows[1]} failed on attempt 1", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"re-running the windows of its insert from {windows[0]}", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, pipeline.Sim.RequestLog.Count(r => r == "OpenConnectionRequest"));
        await FaultEndings.AssertLandedAsync(pipeline, windows);
        Assert.Equal(windows.Sum(w => (long)pipeline.Sim.Data.RowsIn(w.Since, w.Until).Count()), (await pipeline.RunsAsync())[0].RowsRead);
        Assert.Equal(2, await InsertsAsync(pipeline)); // windows 0 and 1, then the last window alone
    }

    [Fact]
    public async Task A_window_whose_first_rows_are_slow_ends_the_open_insert_before_it_so_ClickHouse_never_waits_on_an_idle_body()
    {
        var windows = FaultScenario.Hours(3);
        // 50 rows an hour: a window is one frame, each sent after a delay longer than an open insert waits
        await using var pipeline = await StartAsync(SyntheticData.Generate(19, new DateOnly(2025, 7, 31), 2, 1_200));
        pipeline.Sim.Faults.FrameLatency = WindowBatch.IdleLimit + TimeSpan.FromSeconds(1);

        var run = await pipeline.RunAsync(FaultScenario.RunArgs(windows));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Contains($"Window {windows[1]} has no rows after", run.Stderr, StringComparison.Ordinal);
        await FaultEndings.AssertLandedAsync(pipeline, windows);
        Assert.Equal(3, await InsertsAsync(pipeline)); // not 2: windows 0 and 1 would have shared one
    }

    private async Task<Pipeline> StartAsync(IReadOnlyList<SourceRow>? rows = null)
    {
        var pipeline = await Pipeline.StartAsync(postgres, clickHouse, rows ?? Rows);
        pipeline.Env.Remove("CH_INSERT_MIN_ROWS"); // the default, 200000: the windows of these tests share an insert but the last
        return pipeline;
    }

    private static int RowsOf(Pipeline pipeline, Window window) => pipeline.Expected(window).Count;

    /// <summary>How many inserts the rule makes of windows of these sizes: a batch ends once it holds <paramref name="minRows"/>, and the last window goes alone.</summary>
    private static int Batches(IEnumerable<int> windowRows, int minRows)
    {
        int batches = 0, open = 0, seen = 0;
        var sizes = windowRows.ToList();
        foreach (var rows in sizes)
        {
            open += rows;
            seen++;
            if (open >= minRows || seen >= sizes.Count - 1)
            {
                batches++;
                open = 0;
            }
        }

        return batches;
    }

    /// <summary>Inserts into the target table so far (no deletes yet): the span of block numbers its parts hold.</summary>
    private async Task<long> InsertsAsync(Pipeline pipeline) =>
        long.Parse((await clickHouse.QueryAsync(
            $"SELECT max(max_block_number) - min(min_block_number) + 1 FROM system.parts WHERE database = '{pipeline.ChDatabase}' " +
            "AND table = 'daily_codes_history' AND active")).Trim(), CultureInfo.InvariantCulture);
}
