using System.Globalization;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// Setting a fault scenario up and driving it to the moment of the fault, for every test in Faults/: the pipeline
/// and its data, the windows a scenario works on, the arguments of a run over them, and a run slowed down to break.
/// What every scenario ends with is <see cref="FaultEndings"/>; PostgreSQL sessions are <see cref="PostgresSessions"/>.
/// Two kinds of run: explicit (<c>run --since .. --until ..</c> over <see cref="Hours"/> of 2025-08-01) and
/// scheduled (<c>run</c> from the watermark, at most <see cref="WindowsPerRun"/> windows from <see cref="Start"/>).
/// </summary>
internal static class FaultScenario
{
    /// <summary>MAX_WINDOWS_PER_RUN of a scheduled scenario: a run stops short of the day, so the next one has work.</summary>
    public const int WindowsPerRun = 4;

    /// <summary>INITIAL_SINCE of a scheduled scenario: 2025-08-01 06:00 Almaty.</summary>
    public static readonly DateTimeOffset Start = Pipeline.Day("2025-08-01").AddHours(6);

    /// <summary>
    /// A scheduled scenario: one business day of synthetic rows (250 an hour), runs of at most
    /// <see cref="WindowsPerRun"/> hourly windows from <see cref="Start"/>, small fetch frames (a window is many frames).
    /// </summary>
    public static async Task<Pipeline> StartScheduledAsync(PostgresFixture postgres, ClickHouseFixture clickHouse)
    {
        var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(23, new DateOnly(2025, 8, 1), 1, 6_000));
        pipeline.Env["INITIAL_SINCE"] = Iso(Start);
        pipeline.Env["MAX_WINDOWS_PER_RUN"] = WindowsPerRun.ToString(CultureInfo.InvariantCulture);
        pipeline.Env["PHX_FETCHMANY_SIZE"] = "50";
        return pipeline;
    }

    /// <summary>
    /// Applies the schema (<c>etl --migrate-only</c>, asserted to exit 0), which a <see cref="WatermarkGate"/> needs
    /// before the run under test exists; returns the run for what its output says.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> MigrateAsync(Pipeline pipeline)
    {
        var migrate = await pipeline.RunAsync("--migrate-only");
        Assert.True(migrate.ExitCode == ExitCodes.Ok, migrate.Stderr);
        return migrate;
    }

    /// <summary>The first <paramref name="count"/> hourly windows of 2025-08-01 (business time): an explicit run's range.</summary>
    public static IReadOnlyList<Window> Hours(int count) => HoursFrom(Pipeline.Day("2025-08-01"), count);

    /// <summary>The first <paramref name="count"/> hourly windows from <see cref="Start"/>: what scheduled runs do, in order.</summary>
    public static IReadOnlyList<Window> Scheduled(int count) => HoursFrom(Start, count);

    /// <summary><c>run --since .. --until ..</c> over <paramref name="windows"/>.</summary>
    public static string[] RunArgs(IReadOnlyList<Window> windows) => ["run", "--since", Iso(windows[0].Since), "--until", Iso(windows[^1].Until)];

    /// <summary>
    /// Starts a scheduled <c>etl run</c> with every Phoenix frame delayed by <paramref name="frameLatencyMs"/> (a window
    /// lasts long enough to act in) and returns once the first window is committed: the moment to break something.
    /// </summary>
    public static async Task<EtlProcess> StartSlowRunAfterFirstCommitAsync(Pipeline pipeline, int frameLatencyMs)
    {
        pipeline.Sim.Faults.FrameLatency = TimeSpan.FromMilliseconds(frameLatencyMs);
        var etl = pipeline.Start("run");
        await etl.WaitForLogAsync(" committed: ");
        return etl;
    }

    /// <summary>
    /// Runs <c>etl run</c> over <paramref name="windows"/>, holds it at a <see cref="WatermarkGate"/> once its first
    /// window is committed, does <paramref name="breakIt"/> there (deterministically: the second window has been read
    /// whole and its insert's body has not ended, the third has not started), lets it go on and returns how it ended. Needs the schema (<see cref="MigrateAsync"/>).
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunBreakingAfterFirstCommitAsync(Pipeline pipeline,
        IReadOnlyList<Window> windows, Action breakIt)
    {
        await using var gate = await WatermarkGate.CloseAsync(pipeline);
        using var run = pipeline.Start(RunArgs(windows));
        var exited = run.WaitAsync();

        await gate.WaitUntilBlockedAsync(run, exited);
        breakIt();
        await gate.OpenAsync();

        return (await exited, run.Stdout, run.Stderr);
    }

    /// <summary>Hidden temporary files in the export directory (what a killed run leaves).</summary>
    public static string[] Temporaries(Pipeline pipeline) => Directory.Exists(pipeline.ExportDir) ? Directory.GetFiles(pipeline.ExportDir, ".*.tmp") : [];

    private static IReadOnlyList<Window> HoursFrom(DateTimeOffset from, int count) =>
        Pipeline.Hours("2025-08-01", "2025-08-02").SkipWhile(w => w.Since < from).Take(count).ToList();

    private static string Iso(DateTimeOffset instant) => instant.ToString("O", CultureInfo.InvariantCulture);
}
