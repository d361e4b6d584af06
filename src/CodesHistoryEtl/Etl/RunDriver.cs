using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Phoenix;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// <c>etl run</c> from start to end: ensure the journal's schema, take the run lock, sanitize stale journal rows,
/// plan the windows, journal the run with a heartbeat, ensure ClickHouse's schema, read each window (<see cref="WindowRunner"/>),
/// commit each one in order while ClickHouse works and the next one is read (<see cref="WindowCommits"/>), and close the journal, the run registry and the
/// alert with the outcome. Throws <see cref="RunBusyException"/> when another run holds the lock.
/// </summary>
public sealed class RunDriver(EtlSettings settings, Guid runId)
{
    private readonly JournalSettings _journal = settings.Journal;

    /// <summary>This run's journal row, once <see cref="ExecuteAsync"/> has started it.</summary>
    public long? JournalId { get; private set; }

    public async Task<RunOutcome> ExecuteAsync(RunRequest request, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var phoenixSettings = settings.Phoenix; // a missing PQS_URL fails before anything is touched
        await PostgresMigrator.For(_journal).MigrateAsync(ct);
        // plain bodies: on loopback and LAN gzip costs more CPU than it saves (bench/clickhouse-insert.sh)
        using var clickHouse = new ClickHouseClient(settings.ClickHouse, gzipInserts: false);

        await using var runLock = await RunLock.AcquireAsync(_journal, ct);
        var journal = new RunJournal(_journal);
        await journal.SanitizeStaleAsync(runLock, ct);
        DeleteLeftoverTemporaries();

        var watermarks = new WatermarkStore(_journal);
        var watermark = await watermarks.GetAsync(settings.ProcessName, ct);
        var windows = request.ExplicitWindows ?? PlanScheduled(request.Planner, watermark);
        var skipped = request.Backfill == BackfillMode.None
            ? new HashSet<Window>()
            : await BackfillPlan.SkippedAsync(_journal, windows, request.Backfill, settings.Window.BusinessTz, ct);
        var requested = windows.Count == 0 ? null : new Window(windows[0].Since, windows[^1].Until);
        var journalId = await journal.StartAsync(runLock, requested, arguments, ct);
        JournalId = journalId;
        var counters = new RunCounters(windows.Count - skipped.Count, TimeSpan.FromSeconds(settings.Window.ProgressSec));
        var started = DateTimeOffset.UtcNow;
        var outcome = RunOutcome.Failed("internal", "the run ended without an outcome");
        try
        {
            await using var heartbeat = Heartbeat.Start(_journal, journalId,
                () => new RunProgress(counters.Current, counters.WindowsDone, counters.RowsRead, counters.RowsWritten, counters.RowsRejected));
            using var runToken = CancellationTokenSource.CreateLinkedTokenSource(ct, heartbeat.Lost);
            if (await MigrateClickHouseAsync(clickHouse, runToken.Token, ct) is { } failed)
            {
                outcome = failed;
                return outcome;
            }

            var sink = new ClickHouseSink(clickHouse, settings.ProcessName, settings.FailPoint);
            outcome = await RunWindowsAsync(windows, skipped, watermark, journal, journalId, watermarks, counters, phoenixSettings, sink, runLock, heartbeat, runToken.Token, ct);
        }
        finally
        {
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await journal.FinishAsync(journalId, outcome, closing.Token);
            await new RunRegistry(clickHouse).RecordRunAsync(RunSummary(started, requested, counters, outcome), closing.Token);
        }

        return outcome;
    }

    private async Task<RunOutcome> RunWindowsAsync(IReadOnlyList<Window> windows, IReadOnlySet<Window> skipped, DateTimeOffset? watermark, RunJournal journal, long journalId,
        WatermarkStore watermarks, RunCounters counters, PhoenixSettings phoenixSettings, ClickHouseSink sink, RunLock runLock, Heartbeat heartbeat,
        CancellationToken runToken, CancellationToken signal)
    {
        if (windows.Count == 0)
        {
            Log.Information("Nothing to do: the watermark {Watermark:O} is already at now - SAFETY_LAG_MIN", watermark);
            return RunOutcome.Ok;
        }

        Log.Information("Run of {Count} window(s) from {Since:O} to {Until:O}, STEP_MIN {Step}", windows.Count - skipped.Count, windows[0].Since,
            windows[^1].Until, windows[0].Length.TotalMinutes);
        await using var phoenix = new PhoenixClient(phoenixSettings);
        var runner = new WindowRunner(phoenix, sink, settings.Export, settings.Window.BusinessTz, runId, counters, runLock.EnsureHeldAsync, settings.FailPoint);
        await using var commits = new WindowCommits(journal, journalId, watermarks, settings.ProcessName, counters, watermark, heartbeat.Lost);
        try
        {
            foreach (var window in windows)
            {
                if (skipped.Contains(window))
                {
                    await commits.SkipAsync(window);
                    continue;
                }

                StreamedWindow streamed;
                try
                {
                    streamed = await StreamWithRetriesAsync(runner, window, phoenixSettings.Retries, runToken);
                }
                catch (Exception e) when (commits.HasPending)
                {
                    // the window before is whole on the server: commit it before this failure (or signal) ends the run
                    Log.Information("Window {Window} stopped ({Error}); committing the window before it first", window, e.Message);
                    await commits.CommitPendingAsync();
                    throw;
                }

                counters.WindowRead();
                await commits.HandOverAsync(streamed, runToken);
            }

            await commits.CommitPendingAsync();
        }
        catch (OperationCanceledException) when (signal.IsCancellationRequested)
        {
            Log.Warning("Stopped by a signal: window {Window} was not committed; the watermark stays at {Watermark:O}", counters.Current, commits.Watermark);
            return RunOutcome.Cancelled;
        }
        catch (OperationCanceledException) when (heartbeat.Lost.IsCancellationRequested)
        {
            return Fail("heartbeat_lost", heartbeat.LostReason ?? "the journal heartbeat could not be written", commits, counters);
        }
        catch (RunLockLostException e)
        {
            return Fail("lock_lost", e.Message, commits, counters);
        }
        catch (Exception e) when (FailureKind(e) is { } kind)
        {
            return Fail(kind, e.Message, commits, counters);
        }

        LogSummary(counters);
        return counters.RowsRejected > settings.Window.MaxRejects
            ? Fail("rejects", $"{counters.RowsRejected} rejected rows exceed MAX_REJECTS={settings.Window.MaxRejects}; see the *.rejects.jsonl files in {settings.Export.Dir}",
                commits, counters)
            : RunOutcome.Ok;
    }

    /// <summary>
    /// ClickHouse's schema, under the lock and with the run journaled: a ClickHouse that is down or refuses the schema
    /// fails this run before its first window, and the journal shows why. Null when the schema is current.
    /// </summary>
    private async Task<RunOutcome?> MigrateClickHouseAsync(ClickHouseClient clickHouse, CancellationToken runToken, CancellationToken signal)
    {
        try
        {
            await new ClickHouseMigrator(clickHouse, MigrationContext.From(settings.ClickHouse, settings.Window.BusinessTz.Id)).MigrateAsync(runToken);
            return null;
        }
        catch (OperationCanceledException) when (signal.IsCancellationRequested)
        {
            Log.Warning("Stopped by a signal before the first window; nothing was written");
            return RunOutcome.Cancelled;
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            return RunOutcome.Failed("heartbeat_lost", "the journal heartbeat could not be written while ClickHouse's schema was checked");
        }
        catch (ClickHouseException e)
        {
            Log.Error("Run failed (clickhouse) before its first window: {Error}. Nothing was written; the watermark stays where it was", e.Message);
            return RunOutcome.Failed("clickhouse", e.Message);
        }
    }

    /// <summary>A lost Phoenix session (or a transient error) mid-window re-reads that window from its start.</summary>
    private static async Task<StreamedWindow> StreamWithRetriesAsync(WindowRunner runner, Window window, int retries, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await runner.StreamAsync(window, ct);
            }
            catch (PhoenixException e) when (attempt < retries && (e is PhoenixSessionLostException || e.IsTransient))
            {
                Log.Warning("Window {Window} failed on attempt {Attempt} ({Error}); re-running it from its start", window, attempt + 1, e.Message);
            }
        }
    }

    private IReadOnlyList<Window> PlanScheduled(WindowPlanner planner, DateTimeOffset? watermark)
    {
        var initial = settings.Window.InitialSince is { } text ? BusinessTime.TryParseInstant(text, settings.Window.BusinessTz) : null;
        return RunRange.FromWatermark(planner, watermark, initial, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(settings.Window.SafetyLagMin),
            TimeSpan.FromMinutes(settings.Window.LookbackMin), settings.Window.MaxWindowsPerRun);
    }

    private void DeleteLeftoverTemporaries()
    {
        foreach (var file in ExportFileNames.LeftoverTemporaries(settings.Export))
        {
            Log.Warning("Deleting {File}, left by a run that did not finish", file);
            File.Delete(file);
        }
    }

    private static string? FailureKind(Exception e) => e switch
    {
        PhoenixException => "phoenix",
        ClickHouseException => "clickhouse",
        JournalException => "journal",
        IOException or UnauthorizedAccessException => "export",
        _ => null,
    };

    private static RunOutcome Fail(string kind, string message, WindowCommits commits, RunCounters counters)
    {
        Log.Error("Run failed ({Kind}) in window {Window}: {Error}. The watermark stays at {Watermark:O}; the next run redoes the window",
            kind, commits.Failed ?? counters.Current, message, commits.Watermark);
        LogSummary(counters);
        return RunOutcome.Failed(kind, message);
    }

    private static void LogSummary(RunCounters c) =>
        Log.Information("Summary: {Done}/{Planned} windows, {Read} rows read, {Written} written, {Rejected} rejected in {Elapsed}, {Rate:0} rows/s",
            c.WindowsDone, c.WindowsPlanned, c.RowsRead, c.RowsWritten, c.RowsRejected, c.Elapsed.ToString(@"hh\:mm\:ss\.f"), c.RowsPerSecond);

    private EtlRunRecord RunSummary(DateTimeOffset started, Window? requested, RunCounters counters, RunOutcome outcome) =>
        new(settings.ProcessName, runId, started, DateTimeOffset.UtcNow, outcome.ErrorKind == "cancelled" ? "cancelled" : outcome.Status,
            counters.RowsRead, counters.RowsWritten, outcome.ErrorMessage, requested?.Since, requested?.Until, Environment.MachineName,
            typeof(RunDriver).Assembly.GetName().Version?.ToString() ?? "unknown");
}
