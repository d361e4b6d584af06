using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Phoenix;
using Serilog;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// The windows of one run, in order, after ClickHouse's schema: each is reopened in the journal's committed windows and
/// read into its CSV and its batch's ClickHouse insert (<see cref="WindowRunner"/>, <see cref="WindowBatch"/>: consecutive
/// windows share an insert until it holds CH_INSERT_MIN_ROWS rows, a lost Phoenix session re-reads the batch from its
/// start); a batch is committed while the next one is read (<see cref="WindowCommits"/>). A failure or a signal, also
/// while the schema is checked, becomes the run's <see cref="RunOutcome"/>, with the batch before it committed first.
/// </summary>
internal sealed class WindowLoop(EtlSettings settings, PhoenixSettings phoenixSettings, Guid runId, RunJournal journal, long journalId,
    WatermarkStore watermarks, RunCounters counters, RunLock runLock, Heartbeat heartbeat)
{
    /// <summary>
    /// Runs <paramref name="windows"/> (but <paramref name="skipped"/>) from <paramref name="watermark"/>. <paramref name="runToken"/> ends
    /// with a signal or a lost heartbeat; <paramref name="signal"/> tells the two apart.
    /// </summary>
    public async Task<RunOutcome> RunAsync(IReadOnlyList<Window> windows, IReadOnlySet<Window> skipped, DateTimeOffset? watermark, ClickHouseClient clickHouse,
        CancellationToken runToken, CancellationToken signal)
    {
        await using var phoenix = new PhoenixClient(phoenixSettings);
        var sink = new ClickHouseSink(clickHouse, settings.ProcessName, settings.FailPoint);
        var runner = new WindowRunner(phoenix, settings.Export, settings.Window.BusinessTz, runId, counters, settings.FailPoint);
        await using var commits = new WindowCommits(journal, journalId, watermarks, settings.ProcessName, counters, watermark, heartbeat.Lost);
        WindowBatch NewBatch(int first) => new(sink, runId, runLock.EnsureHeldAsync) { FirstIndex = first };

        // the batch's windows commit together once its insert is in; an empty batch has nothing to hand over. A lost
        // Phoenix session re-reads the open batch from its first window, at most PQS_RETRIES times a batch.
        var attempt = 0;
        async Task<WindowBatch> EndBatchAsync(WindowBatch batch, int next)
        {
            attempt = 0;
            if (batch.Windows.Count > 0)
            {
                await commits.HandOverAsync(batch, runToken);
            }

            return NewBatch(next);
        }

        var batch = NewBatch(0);
        try
        {
            // under the lock and journaled: a ClickHouse that is down or refuses the schema fails the run here, and the journal says why
            await new ClickHouseMigrator(clickHouse, MigrationContext.From(settings.ClickHouse, settings.Window.BusinessTz.Id)).MigrateAsync(runToken);
            if (windows.Count == 0)
            {
                Log.Information("Nothing to do: the watermark {Watermark:O} is already at now - SAFETY_LAG_MIN", watermark);
                return RunOutcome.Ok;
            }

            Log.Information("Run of {Count} window(s) from {Since:O} to {Until:O}, STEP_MIN {Step}, CH_INSERT_MIN_ROWS {MinRows}", windows.Count - skipped.Count,
                windows[0].Since, windows[^1].Until, windows[0].Length.TotalMinutes, settings.ClickHouse.InsertMinRows);
            await using var progress = counters.StartProgressLog();
            for (var i = 0; i < windows.Count;)
            {
                var window = windows[i];
                if (skipped.Contains(window))
                {
                    batch = await EndBatchAsync(batch, i + 1);
                    await commits.SkipAsync(window);
                    i++;
                    continue;
                }

                try
                {
                    await commits.ReopenAsync(window, runToken);
                    await using var rows = runner.Open(window, runToken);
                    if (batch.HasOpenInsert && !await rows.ArrivedWithinAsync(WindowBatch.IdleLimit, runToken))
                    {
                        Log.Information("Window {Window} has no rows after {Limit}: the insert of the windows before it ends first", window, WindowBatch.IdleLimit);
                        batch = await EndBatchAsync(batch, i);
                    }

                    batch.Add(await runner.StreamAsync(rows, batch, runToken));
                }
                catch (PhoenixException e) when (attempt < phoenixSettings.Retries && (e is PhoenixSessionLostException || e.IsTransient))
                {
                    attempt++;
                    if (batch.FirstIndex == i)
                    {
                        Log.Warning("Window {Window} failed on attempt {Attempt} ({Error}); re-running it from its start", window, attempt, e.Message);
                    }
                    else
                    {
                        Log.Warning("Window {Window} failed on attempt {Attempt} ({Error}); re-running the windows of its insert from {First}",
                            window, attempt, e.Message, windows[batch.FirstIndex]);
                    }

                    i = batch.FirstIndex;
                    await batch.DisposeAsync();
                    batch = NewBatch(i);
                    continue;
                }
                catch (Exception e) when (commits.HasPending)
                {
                    // the batch before is whole on the server: commit it before this failure (or signal) ends the run
                    Log.Information("Window {Window} stopped ({Error}); committing the windows before it first", window, e.Message);
                    await batch.DisposeAsync();
                    await commits.CommitPendingAsync();
                    throw;
                }

                counters.WindowRead();
                // the run's last window goes alone: what ClickHouse still has to write after the last row is read is
                // then one window's part, not a whole batch's (nothing is left to overlap it with)
                if (++i >= windows.Count - 1 || batch.RowsWritten >= settings.ClickHouse.InsertMinRows)
                {
                    batch = await EndBatchAsync(batch, i);
                }
            }

            await commits.CommitPendingAsync();
        }
        catch (OperationCanceledException) when (signal.IsCancellationRequested)
        {
            if (counters.Current is { } current)
            {
                Log.Warning("Stopped by a signal: window {Window} was not committed; the watermark stays at {Watermark:O}", current, commits.Watermark);
            }
            else
            {
                Log.Warning("Stopped by a signal before the first window; nothing was written");
            }

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
        finally
        {
            await batch.DisposeAsync();
        }

        LogSummary(counters);
        return counters.RowsRejected > settings.Window.MaxRejects
            ? Fail("rejects", $"{counters.RowsRejected} rejected rows exceed MAX_REJECTS={settings.Window.MaxRejects}; see the *.rejects.jsonl files in {settings.Export.Dir}",
                commits, counters)
            : RunOutcome.Ok;
    }

    private static string? FailureKind(Exception e) => e switch
    {
        PhoenixException => "phoenix",
        ClickHouseException => "clickhouse",
        JournalException => "journal",
        IOException or UnauthorizedAccessException => "export",
        _ => null,
    };

    private RunOutcome Fail(string kind, string message, WindowCommits commits, RunCounters counters)
    {
        if ((commits.Failed ?? counters.Current) is { } window)
        {
            var redo = commits.Watermark is { } watermark && window.Since < RunRange.NextScheduledStart(settings.Window, watermark)
                ? "the window is behind it, so scheduled runs do not redo it: run this range again (etl health reports it as UNCOMMITTED_WINDOWS)"
                : "the next run redoes the window";
            Log.Error("Run failed ({Kind}) in window {Window}: {Error}. The watermark stays at {Watermark:O}; {Redo}",
                kind, window, message, commits.Watermark, redo);
        }
        else
        {
            Log.Error("Run failed ({Kind}) before its first window: {Error}. Nothing was written; the watermark stays where it was", kind, message);
        }

        LogSummary(counters);
        return RunOutcome.Failed(kind, message);
    }

    private static void LogSummary(RunCounters c) =>
        Log.Information("Summary: {Done}/{Planned} windows, {Read} rows read, {Written} written, {Rejected} rejected in {Elapsed}, {Rate:0} rows/s",
            c.WindowsDone, c.WindowsPlanned, c.RowsRead, c.RowsWritten, c.RowsRejected, c.Elapsed.ToString(@"hh\:mm\:ss\.f"), c.RowsPerSecond);
}
