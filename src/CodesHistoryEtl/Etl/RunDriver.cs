using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Journal;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// <c>etl run</c> from start to end: ensure the journal's schema, take the run lock, sanitize stale journal rows,
/// plan the windows, journal the run with a heartbeat, run the windows (<see cref="WindowLoop"/>, which ensures ClickHouse's schema first),
/// and close the journal and the run registry with the outcome. Throws <see cref="RunBusyException"/> when another run holds the lock.
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
            var loop = new WindowLoop(settings, phoenixSettings, runId, journal, journalId, watermarks, counters, runLock, heartbeat);
            outcome = await loop.RunAsync(windows, skipped, watermark, clickHouse, runToken.Token, ct);
        }
        finally
        {
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await journal.FinishAsync(journalId, outcome, closing.Token);
            await new RunRegistry(clickHouse).RecordRunAsync(RunSummary(started, requested, counters, outcome), closing.Token);
        }

        return outcome;
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

    private EtlRunRecord RunSummary(DateTimeOffset started, Window? requested, RunCounters counters, RunOutcome outcome) =>
        new(settings.ProcessName, runId, started, DateTimeOffset.UtcNow, outcome.ErrorKind == "cancelled" ? "cancelled" : outcome.Status,
            counters.RowsRead, counters.RowsWritten, outcome.ErrorMessage, requested?.Since, requested?.Until, Environment.MachineName,
            typeof(RunDriver).Assembly.GetName().Version?.ToString() ?? "unknown");
}
