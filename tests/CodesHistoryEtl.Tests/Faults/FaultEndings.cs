using System.Globalization;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// What every fault scenario ends with (docs/FAULTS.md), in one place so each test asserts the whole promise:
/// how the broken run failed (or that it did nothing at all), then how the next run recovers. Setting the scenario
/// up is <see cref="FaultScenario"/>.
/// </summary>
internal static class FaultEndings
{
    /// <summary>
    /// The failed run: exit 1, the message on stderr (a message, not a stack trace), its journal row closed as
    /// 'error' of <paramref name="kind"/> saying the same, nothing committed after <paramref name="committed"/>,
    /// no temporary file visible.
    /// </summary>
    public static async Task AssertFailedAsync(Pipeline pipeline, (int ExitCode, string Stdout, string Stderr) run, string kind, string message,
        DateTimeOffset? committed)
    {
        Assert.True(run.ExitCode == ExitCodes.Failed, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);

        var last = (await pipeline.RunsAsync())[0];
        Assert.Equal("error", last.Status);
        Assert.Equal(kind, last.ErrorKind);
        Assert.Contains(message, last.ErrorMessage, StringComparison.Ordinal);
        Assert.NotNull(last.Ended);
        Assert.Equal(committed, await pipeline.WatermarkAsync());
        pipeline.AssertNoTemporaryFiles();
    }

    /// <summary>
    /// A scheduled run broken after its first commit and before its last: <see cref="AssertFailedAsync"/> at the
    /// watermark it reached, which is a committed window short of the run's end; the window after it in no CSV;
    /// its journal row the only one (it closed it itself, nothing left for the next run to clean up).
    /// </summary>
    public static async Task AssertFailedMidRunAsync(Pipeline pipeline, (int ExitCode, string Stdout, string Stderr) run, string kind, string message)
    {
        var committed = await pipeline.WatermarkAsync();
        var failedWindow = Assert.Single(FaultScenario.Scheduled(FaultScenario.WindowsPerRun).Skip(1), w => w.Since == committed);
        Assert.False(File.Exists(ExportFileNames.Csv(pipeline.Export, failedWindow, Pipeline.Almaty)), "the failed window's CSV is visible");
        await AssertFailedAsync(pipeline, run, kind, message, committed);
        Assert.Single(await pipeline.RunsAsync());
    }

    /// <summary>
    /// A server down at start (<paramref name="server"/> on <paramref name="port"/>): exit 1, the message names the
    /// server and its endpoint but not <paramref name="secret"/>, and nothing is written anywhere.
    /// </summary>
    public static async Task AssertNothingDoneAsync(Pipeline pipeline, ClickHouseFixture clickHouse, (int ExitCode, string Stdout, string Stderr) run,
        string server, int port, string secret)
    {
        Assert.True(run.ExitCode == ExitCodes.Failed, run.Stderr);
        Assert.Contains(server, run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
        await AssertNothingWrittenAsync(pipeline, clickHouse, $"{server} down at start");
    }

    /// <summary>
    /// Nothing written anywhere (<paramref name="what"/> names the case in a failure): no journal row, no watermark,
    /// no table in the pipeline's ClickHouse database, its export directory still there and empty. The journal's
    /// schema may exist (a run that reached PostgreSQL migrates it first); <see cref="AssertNoPostgresTablesAsync"/>
    /// is for a run that must not have touched PostgreSQL at all.
    /// </summary>
    public static async Task AssertNothingWrittenAsync(Pipeline pipeline, ClickHouseFixture clickHouse, string what)
    {
        Assert.True((await pipeline.RunsAsync()).Count == 0, $"{what}: journal rows were written");
        Assert.True(await pipeline.WatermarkAsync() is null, $"{what}: a watermark was written");
        var chTables = await clickHouse.QueryAsync($"SELECT count() FROM system.tables WHERE database = '{pipeline.ChDatabase}'");
        Assert.True(long.Parse(chTables.Trim(), CultureInfo.InvariantCulture) == 0, $"{what}: ClickHouse tables were created");
        Assert.True(Directory.Exists(pipeline.ExportDir), $"{what}: the export directory is gone");
        Assert.True(Directory.GetFileSystemEntries(pipeline.ExportDir).Length == 0, $"{what}: files were written to the export directory");
    }

    /// <summary>No table at all in the pipeline's PostgreSQL database: not even the journal's schema was created.</summary>
    public static async Task AssertNoPostgresTablesAsync(Pipeline pipeline, string what)
    {
        var tables = await PostgresSessions.ScalarAsync<long>(pipeline,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
        Assert.True(tables == 0, $"{what}: PostgreSQL tables were created");
    }

    /// <summary>
    /// Runs <c>etl run</c> over <paramref name="windows"/> (the rerun after a fault, or a run that copes with one):
    /// exit 0, no secret in its output, and <see cref="AssertLandedAsync(Pipeline, IReadOnlyList{Window})"/>.
    /// </summary>
    public static async Task AssertRunLandsAsync(Pipeline pipeline, IReadOnlyList<Window> windows)
    {
        AssertSucceeded(pipeline, await pipeline.RunAsync(FaultScenario.RunArgs(windows)));
        await AssertLandedAsync(pipeline, windows);
    }

    /// <summary>
    /// The ending of a scheduled scenario: the next scheduled run exits 0 and resumes at the watermark (once the
    /// dead run's lock is gone), every window from <see cref="FaultScenario.Start"/> to the new watermark lands
    /// (<see cref="AssertLandedAsync(Pipeline, IReadOnlyList{Window}, IReadOnlyList{Window})"/>), and the journal
    /// holds just the failed run, 'error' with <paramref name="errorKind"/> and a message containing
    /// <paramref name="reason"/>, and this one.
    /// </summary>
    public static async Task AssertNextRunRecoversAsync(Pipeline pipeline, string errorKind, string reason)
    {
        await AssertNextScheduledRunLandsAsync(pipeline);
        var runs = await pipeline.RunsAsync();
        Assert.Equal(2, runs.Count);
        Assert.Equal(("error", errorKind), (runs[1].Status, runs[1].ErrorKind));
        Assert.Contains(reason, runs[1].ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>After an outage that did nothing, the next scheduled run is the first: it lands its windows and is the journal's only row.</summary>
    public static async Task AssertFirstRunSucceedsAsync(Pipeline pipeline)
    {
        await AssertNextScheduledRunLandsAsync(pipeline);
        Assert.Single(await pipeline.RunsAsync());
    }

    /// <summary>
    /// Every one of <paramref name="windows"/> landed by the newest run, which did exactly them: see the overload.
    /// For a run the test started itself and saw exit 0.
    /// </summary>
    public static Task AssertLandedAsync(Pipeline pipeline, IReadOnlyList<Window> windows) => AssertLandedAsync(pipeline, windows, windows);

    /// <summary>
    /// Every window of <paramref name="landed"/> has the source's rows exactly once in its CSV and in ClickHouse, no
    /// temporary file is visible, the watermark is the end of the last one, no journal row is left running, and the
    /// newest row is an ok run that did <paramref name="ran"/> (its windows and rows counted right, no error).
    /// </summary>
    public static async Task AssertLandedAsync(Pipeline pipeline, IReadOnlyList<Window> landed, IReadOnlyList<Window> ran)
    {
        await pipeline.AssertParityAsync(landed);
        Assert.Equal(landed[^1].Until, await pipeline.WatermarkAsync());
        var runs = await pipeline.RunsAsync();
        Assert.DoesNotContain(runs, r => r.IsActive);
        var last = runs[0];
        Assert.Equal("ok", last.Status);
        Assert.Equal(ran.Count, last.WindowsDone);
        Assert.Equal(ran.Sum(w => (long)pipeline.Expected(w).Count), last.RowsWritten);
        Assert.Null(last.ErrorKind);
    }

    private static async Task AssertNextScheduledRunLandsAsync(Pipeline pipeline)
    {
        var resumeAt = await pipeline.WatermarkAsync() ?? FaultScenario.Start;
        await PostgresSessions.WaitUntilNoLockAsync(pipeline);

        AssertSucceeded(pipeline, await pipeline.RunAsync("run"));

        var landed = FaultScenario.Scheduled((int)(resumeAt - FaultScenario.Start).TotalHours + FaultScenario.WindowsPerRun);
        await AssertLandedAsync(pipeline, landed, landed.Skip(landed.Count - FaultScenario.WindowsPerRun).ToList());
    }

    /// <summary>Exit 0, and neither password the run was given (nor the test servers' default one) in its output.</summary>
    private static void AssertSucceeded(Pipeline pipeline, (int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        var secrets = new[] { "etl_pg_secret", new NpgsqlConnectionStringBuilder(pipeline.Journal.Dsn.ConnectionString).Password, pipeline.Env.GetValueOrDefault("CH_PASSWORD") };
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            Assert.DoesNotContain(secret!, run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
    }
}
