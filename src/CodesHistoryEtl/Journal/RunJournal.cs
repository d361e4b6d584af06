using System.Reflection;
using System.Text.Json;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using Serilog;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// The run journal (JOURNAL_TABLE): one row per run. Start it with the run lock held, record each committed
/// window, finish it with a <see cref="RunOutcome"/>. Every call uses its own pooled session; failures are
/// <see cref="JournalException"/>s.
/// </summary>
public sealed class RunJournal(JournalSettings settings)
{
    private const int MaxMessageLength = 4000;
    private readonly JournalTables _tables = JournalTables.For(settings.Table);
    private readonly SecretScrubber _scrubber = new(settings.Dsn);

    /// <summary>sanitize_stale: closes the process's abandoned rows. Needs the lock, so no live run can be touched.</summary>
    public async Task<IReadOnlyList<StaleRun>> SanitizeStaleAsync(RunLock held, CancellationToken ct)
    {
        RequireLockFor(held);
        await using var session = await OpenAsync("sanitize stale runs", ct);
        var changed = await session.InTransactionAsync("sanitize stale runs", async () =>
        {
            var own = held.RunId ?? 0L;
            var planned = await session.QueryAsync("sanitize stale planned runs", StaleSql.Planned(_tables.Journal), ReadStale, ct,
                settings.ProcessName, settings.PlannedTtlMin, own);
            var running = await session.QueryAsync("sanitize stale running runs", StaleSql.Running(_tables.Journal), ReadStale, ct,
                settings.ProcessName, settings.HeartbeatTtlMin, settings.MaxRunHours, own);
            return planned.Concat(running).ToList();
        }, ct);
        foreach (var run in changed)
        {
            Log.Warning("Sanitized stale run {RunId} of {ProcessName}: {FromStatus} -> {ToStatus} ({Reason})",
                run.RunId, settings.ProcessName, run.FromStatus, run.ToStatus, run.Reason);
        }

        return changed;
    }

    /// <summary>Inserts this run's 'running' row (host, pid, version, arguments, requested window) and returns its id.</summary>
    /// <exception cref="JournalException">SQLSTATE 23505 when another active row exists (sanitize first).</exception>
    public async Task<long> StartAsync(RunLock held, Window? requested, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        RequireLockFor(held);
        var sql = $"""
            INSERT INTO {_tables.Journal} (process_name, status, window_since, window_until, details)
            VALUES ($1, 'running', $2, $3, jsonb_build_object('heartbeat_ts', now(), 'host', $4::text, 'pid', $5::int,
                'version', $6::text, 'arguments', $7::jsonb, 'lock_backend_pid', $8::int))
            RETURNING id
            """;
        var args = JsonSerializer.Serialize([.. arguments.Select(_scrubber.Scrub)], JournalJson.Default.StringArray);
        await using var session = await OpenAsync("start run", ct);
        var ids = await session.QueryAsync("start run", sql, r => r.GetInt64(0), ct, settings.ProcessName, requested?.Since, requested?.Until,
            Environment.MachineName, Environment.ProcessId, Version, args, held.BackendPid);
        held.RunId = ids[0];
        Log.Information("Run {RunId} of {ProcessName} started, requested window {Window}", ids[0], settings.ProcessName, requested?.ToString() ?? "from watermark");
        return ids[0];
    }

    /// <summary>
    /// Before a window is written: its range stops counting as committed until <see cref="RecordWindowAsync"/> records it
    /// again (committed windows overlapping it keep their parts outside it, with their run_id and rows_written). A run
    /// that dies while replacing the window, when ClickHouse may hold its rows twice or in part, so leaves a hole in the
    /// committed windows that <c>etl health</c> reports and <c>etl backfill</c> redoes, instead of the earlier commit hiding it.
    /// </summary>
    public async Task ReopenWindowAsync(Window window, CancellationToken ct)
    {
        var sql = $"""
            WITH reopened AS (
                DELETE FROM {_tables.Committed}
                WHERE process_name = $1 AND window_until > $2 AND window_since < $3
                RETURNING process_name, window_since, window_until, run_id, rows_written, committed_at)
            INSERT INTO {_tables.Committed} (process_name, window_since, window_until, run_id, rows_written, committed_at)
            SELECT process_name, window_since, $2::timestamptz, run_id, rows_written, committed_at FROM reopened WHERE window_since < $2
            UNION ALL
            SELECT process_name, $3::timestamptz, window_until, run_id, rows_written, committed_at FROM reopened WHERE window_until > $3
            ON CONFLICT DO NOTHING
            """;
        await using var session = await OpenAsync("reopen window", ct);
        await session.ExecuteAsync("reopen window", sql, ct, settings.ProcessName, window.Since, window.Until);
    }

    /// <summary>
    /// Adds one committed window's counts, remembers it as details.last_window and records it in the committed
    /// windows table, in one statement (so a window is counted in the journal exactly when backfill sees it as done).
    /// </summary>
    /// <exception cref="JournalException">The row is no longer running (another process sanitized it): stop the run.</exception>
    public async Task RecordWindowAsync(long runId, WindowResult result, CancellationToken ct)
    {
        var sql = $"""
            WITH run AS (
                UPDATE {_tables.Journal}
                SET windows_done = windows_done + 1, rows_read = rows_read + $2, rows_written = rows_written + $3,
                    rows_rejected = rows_rejected + $4,
                    details = details || jsonb_build_object('last_window', jsonb_build_object('since', $5::timestamptz, 'until', $6::timestamptz))
                WHERE id = $1 AND status = 'running' AND ts_end IS NULL
                RETURNING id, process_name)
            INSERT INTO {_tables.Committed} AS c (process_name, window_since, window_until, run_id, rows_written)
            SELECT process_name, $5, $6, id, $3 FROM run
            ON CONFLICT (process_name, window_since, window_until) DO UPDATE
            SET run_id = EXCLUDED.run_id, rows_written = EXCLUDED.rows_written, committed_at = now()
            """;
        await using var session = await OpenAsync("record window", ct);
        var updated = await session.ExecuteAsync("record window", sql, ct, runId, result.RowsRead, result.RowsWritten, result.RowsRejected,
            result.Window.Since, result.Window.Until);
        if (updated == 0)
        {
            throw new JournalException("record window", sql, null,
                $"run {runId} is no longer 'running' in {_tables.Journal}: another process closed it as stale (see its details). Stop this run");
        }
    }

    /// <summary>
    /// Closes the row. Pass a token that is not the (possibly cancelled) run token. False: it was already closed.
    /// A run often ends because PostgreSQL dropped its sessions; the pooled ones are then dead too, so a lost
    /// connection is retried once on a fresh one (the outcome is worth more than the next run's "stale").
    /// </summary>
    public async Task<bool> FinishAsync(long runId, RunOutcome outcome, CancellationToken ct)
    {
        try
        {
            return await FinishOnceAsync(runId, outcome, ct);
        }
        catch (JournalException e) when (e.IsConnectionLost)
        {
            Log.Warning("Closing run {RunId} failed on a lost PostgreSQL connection ({Error}); retrying once on a new one", runId, e.Message);
            PgSession.ClearPool(settings.Dsn);
            return await FinishOnceAsync(runId, outcome, ct);
        }
    }

    private async Task<bool> FinishOnceAsync(long runId, RunOutcome outcome, CancellationToken ct)
    {
        var sql = $"""
            UPDATE {_tables.Journal}
            SET status = $2, ts_end = now(),
                details = details || jsonb_strip_nulls(jsonb_build_object('error_kind', $3::text, 'error_message', $4::text))
            WHERE id = $1 AND ts_end IS NULL
            """;
        var message = outcome.ErrorMessage is null ? null : _scrubber.Scrub(outcome.ErrorMessage);
        message = message?.Length > MaxMessageLength ? message[..MaxMessageLength] : message;
        await using var session = await OpenAsync("finish run", ct);
        var updated = await session.ExecuteAsync("finish run", sql, ct, runId, outcome.Status, outcome.ErrorKind, message);
        if (updated == 0)
        {
            Log.Warning("Run {RunId} was already closed in the journal (sanitized by another process?); outcome {Status} not recorded", runId, outcome.Status);
            return false;
        }

        Log.Information("Run {RunId} finished: {Status} {ErrorKind}", runId, outcome.Status, outcome.ErrorKind ?? "");
        return true;
    }

    /// <summary>
    /// Records in the closed row that the run's own alert (<paramref name="code"/>) reached every receiver, so
    /// <c>etl health --alert</c> (the unit's OnFailure= hook) does not send it again. A failure to record is only
    /// logged: the hook then repeats the alert, which is better than none.
    /// </summary>
    public async Task MarkAlertedAsync(long runId, string code, CancellationToken ct)
    {
        var sql = $"UPDATE {_tables.Journal} SET details = details || jsonb_build_object('alerted', $2::text, 'alerted_at', now()) WHERE id = $1";
        try
        {
            await using var session = await OpenAsync("mark run alerted", ct);
            await session.ExecuteAsync("mark run alerted", sql, ct, runId, code);
        }
        catch (JournalException e)
        {
            Log.Warning("Could not record in the journal that run {RunId} alerted {Code} ({Error}); etl health --alert will repeat it", runId, code, e.Message);
        }
    }

    private static string Version =>
        typeof(RunJournal).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static StaleRun ReadStale(System.Data.Common.DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3));

    private Task<PgSession> OpenAsync(string operation, CancellationToken ct) => PgSession.OpenAsync(settings.Dsn, operation, dedicated: false, ct);

    private void RequireLockFor(RunLock held)
    {
        if (!string.Equals(held.ProcessName, settings.ProcessName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the run lock is for '{held.ProcessName}', not '{settings.ProcessName}'", nameof(held));
        }
    }
}
