using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>What every fault scenario ends with, in one place.</summary>
internal static class FaultChecks
{
    /// <summary>
    /// Every window's rows equal the source exactly once in CSV and ClickHouse, no temporary file is visible,
    /// the watermark is the end of the last window, and the newest journal row is an ok run over all windows.
    /// </summary>
    public static async Task AssertRecoveredAsync(Pipeline pipeline, IReadOnlyList<Window> windows)
    {
        await pipeline.AssertParityAsync(windows);
        Assert.Equal(windows[^1].Until, await pipeline.WatermarkAsync());
        var last = (await pipeline.RunsAsync())[0];
        Assert.Equal("ok", last.Status);
        Assert.Equal(windows.Count, last.WindowsDone);
        Assert.Equal(windows.Sum(w => (long)pipeline.Expected(w).Count), last.RowsWritten);
        Assert.Null(last.ErrorKind);
    }

    /// <summary>The failed run: exit 1, the message on stderr, a journal 'error' row of that kind saying the same, nothing committed after <paramref name="committed"/>.</summary>
    public static async Task AssertFailedAsync(Pipeline pipeline, (int ExitCode, string Stdout, string Stderr) run, string kind, string message,
        DateTimeOffset? committed)
    {
        Assert.True(run.ExitCode == ExitCodes.Failed, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal); // a message, not a stack trace
        var last = (await pipeline.RunsAsync())[0];
        Assert.Equal("error", last.Status);
        Assert.Equal(kind, last.ErrorKind);
        Assert.Contains(message, last.ErrorMessage, StringComparison.Ordinal);
        Assert.NotNull(last.Ended);
        Assert.Equal(committed, await pipeline.WatermarkAsync());
        pipeline.AssertNoTemporaryFiles();
    }

    /// <summary>The first <paramref name="count"/> hourly windows of 2025-08-01 (business time).</summary>
    public static IReadOnlyList<Window> Hours(int count) => Pipeline.Hours("2025-08-01", "2025-08-02").Take(count).ToList();

    /// <summary><c>run --since .. --until ..</c> over <paramref name="windows"/>.</summary>
    public static string[] RunArgs(IReadOnlyList<Window> windows) =>
        ["run", "--since", windows[0].Since.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            "--until", windows[^1].Until.ToString("O", System.Globalization.CultureInfo.InvariantCulture)];
}
