using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// What the process-kill and server-outage tests share: one business day of synthetic rows (250 an hour), scheduled
/// runs of at most <see cref="WindowsPerRun"/> hourly windows from 06:00 Almaty, and the recovery every scenario ends with.
/// </summary>
internal static class FaultScenario
{
    public const int WindowsPerRun = 4;

    /// <summary>INITIAL_SINCE of every scenario: 2025-08-01 06:00 Almaty.</summary>
    public static readonly DateTimeOffset Start = Pipeline.Day("2025-08-01").AddHours(6);

    public static async Task<Pipeline> StartAsync(PostgresFixture postgres, ClickHouseFixture clickHouse)
    {
        var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(23, new DateOnly(2025, 8, 1), 1, 6_000));
        pipeline.Env["INITIAL_SINCE"] = Start.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        pipeline.Env["MAX_WINDOWS_PER_RUN"] = WindowsPerRun.ToString(System.Globalization.CultureInfo.InvariantCulture);
        pipeline.Env["PHX_FETCHMANY_SIZE"] = "50";
        return pipeline;
    }

    /// <summary>
    /// Starts <c>etl run</c> with every Phoenix frame delayed by <paramref name="frameLatencyMs"/> (a window lasts
    /// long enough to act in) and returns once the first window is committed: the moment to break something.
    /// </summary>
    public static async Task<EtlProcess> StartSlowRunAfterFirstCommitAsync(Pipeline pipeline, int frameLatencyMs)
    {
        pipeline.Sim.Faults.FrameLatency = TimeSpan.FromMilliseconds(frameLatencyMs);
        var etl = pipeline.Start("run");
        await etl.WaitForLogAsync(" committed: ");
        return etl;
    }

    /// <summary>
    /// A server down at start (<paramref name="server"/> on <paramref name="port"/>): exit 1, the message names the
    /// server and its endpoint but not <paramref name="secret"/>, no file, no watermark, no journal row.
    /// </summary>
    public static async Task AssertNothingDoneAsync(Pipeline pipeline, (int ExitCode, string Stdout, string Stderr) run, string server, int port, string secret)
    {
        Assert.True(run.ExitCode == ExitCodes.Failed, run.Stderr);
        Assert.Contains(server, run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(pipeline.ExportDir) ? Directory.GetFileSystemEntries(pipeline.ExportDir) : []);
        Assert.Empty(await pipeline.RunsAsync()); // stopped before the lock and the journal: no run to record
        Assert.Null(await pipeline.WatermarkAsync());
    }

    /// <summary>After an outage that did nothing, the next run is the first: exit 0, its windows at parity, the watermark after them.</summary>
    public static async Task AssertFirstRunSucceedsAsync(Pipeline pipeline)
    {
        var run = await pipeline.RunAsync("run");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        var windows = Windows(WindowsPerRun);
        await pipeline.AssertParityAsync(windows);
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
        Assert.Equal("ok", Assert.Single(await pipeline.RunsAsync()).Status);
    }

    /// <summary>The first <paramref name="count"/> hourly windows from <see cref="Start"/>.</summary>
    public static IReadOnlyList<Window> Windows(int count) =>
        Pipeline.Hours("2025-08-01", "2025-08-02").SkipWhile(w => w.Since < Start).Take(count).ToList();

    /// <summary>
    /// The ending of every scenario: the next scheduled run exits 0 and resumes at the watermark; every window from
    /// <see cref="Start"/> to the new watermark is in CSV and ClickHouse exactly once; no temporary file is visible;
    /// no journal row is left open; the failed run's row is 'error' with <paramref name="errorKind"/> and a message
    /// containing <paramref name="reason"/>.
    /// </summary>
    public static async Task AssertNextRunRecoversAsync(Pipeline pipeline, string errorKind, string reason)
    {
        var resumeAt = await pipeline.WatermarkAsync() ?? Start;
        await PostgresSessions.WaitUntilNoLockAsync(pipeline);

        var rerun = await pipeline.RunAsync("run");

        Assert.True(rerun.ExitCode == ExitCodes.Ok, rerun.Stderr);
        var windows = Windows((int)(resumeAt - Start).TotalHours + WindowsPerRun);
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
        await pipeline.AssertParityAsync(windows);
        var runs = await pipeline.RunsAsync();
        Assert.DoesNotContain(runs, r => r.IsActive);
        Assert.Equal("ok", runs[0].Status);
        var failed = runs[1];
        Assert.Equal(("error", errorKind), (failed.Status, failed.ErrorKind));
        Assert.Contains(reason, failed.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("etl_pg_secret", rerun.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Hidden temporary files in the export directory (what a killed run leaves).</summary>
    public static string[] Temporaries(Pipeline pipeline) => Directory.Exists(pipeline.ExportDir) ? Directory.GetFiles(pipeline.ExportDir, ".*.tmp") : [];

    /// <summary>Tables in a ClickHouse database (0: the run never created its schema there).</summary>
    public static async Task<long> TableCountAsync(ClickHouseFixture clickHouse, string database) =>
        long.Parse((await clickHouse.QueryAsync($"SELECT count() FROM system.tables WHERE database = '{database}'")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
