using System.Diagnostics;
using System.Text.Json;
using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// A background loop on its own PostgreSQL session writing details.heartbeat_ts and details.progress of a
/// running run every interval. Failures are retried (with a fresh session) until no beat has succeeded for the
/// TTL; then, or at once if the row was closed by someone else, <see cref="Lost"/> is cancelled: the run must
/// stop, because another process may now legitimately sanitize its row and take over.
/// </summary>
public sealed class Heartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly PostgresDsn _dsn;
    private readonly string _sql;
    private readonly long _runId;
    private readonly Func<RunProgress> _progress;
    private readonly HeartbeatTiming _timing;
    private readonly Task _loop;
    private int _beats;
    private volatile string? _lostReason;

    private Heartbeat(JournalSettings settings, long runId, Func<RunProgress> progress, HeartbeatTiming timing)
    {
        _dsn = settings.Dsn;
        _runId = runId;
        _progress = progress;
        _timing = timing;
        _sql = $"""
            UPDATE {JournalTables.For(settings.Table).Journal}
            SET details = details || jsonb_build_object('heartbeat_ts', now(), 'progress', $2::jsonb)
            WHERE id = $1 AND status = 'running' AND ts_end IS NULL
            """;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Cancelled when the heartbeat is lost; <see cref="LostReason"/> says why.</summary>
    public CancellationToken Lost => _lost.Token;

    public string? LostReason => _lostReason;

    /// <summary>Heartbeats written so far.</summary>
    public int Beats => Volatile.Read(ref _beats);

    /// <param name="timing">Null: HEARTBEAT_SEC / HEARTBEAT_TTL_MIN from the settings.</param>
    public static Heartbeat Start(JournalSettings settings, long runId, Func<RunProgress> progress, HeartbeatTiming? timing = null) =>
        new(settings, runId, progress, timing ?? HeartbeatTiming.From(settings));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        var sinceSuccess = Stopwatch.StartNew();
        var sinceStart = Stopwatch.StartNew();
        PgSession? session = null;
        try
        {
            while (true)
            {
                await Task.Delay(_timing.Interval, ct);
                try
                {
                    session ??= await PgSession.OpenAsync(_dsn, "heartbeat", dedicated: true, ct);
                    if (await session.ExecuteAsync("heartbeat", _sql, ct, _runId, ProgressJson(sinceStart.Elapsed)) == 0)
                    {
                        await LoseAsync($"run {_runId} is no longer 'running' in the journal: another process closed it as stale");
                        return;
                    }

                    Interlocked.Increment(ref _beats);
                    sinceSuccess.Restart();
                }
                catch (JournalException e)
                {
                    await DisposeSessionAsync(session);
                    session = null;
                    if (sinceSuccess.Elapsed >= _timing.Ttl)
                    {
                        await LoseAsync($"no heartbeat could be written for {sinceSuccess.Elapsed:g} (TTL {_timing.Ttl:g}); last error: {e.Message}");
                        return;
                    }

                    Log.Warning("Heartbeat of run {RunId} failed, retrying in {Interval}: {Error}", _runId, _timing.Interval, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped by DisposeAsync
        }
        catch (Exception e)
        {
            await LoseAsync($"the heartbeat loop failed unexpectedly: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await DisposeSessionAsync(session);
        }
    }

    private string ProgressJson(TimeSpan elapsed)
    {
        var p = _progress();
        return JsonSerializer.Serialize(new HeartbeatProgress(p.Current?.ToString(), p.WindowsDone, p.RowsRead, p.RowsWritten, p.RowsRejected,
            elapsed.TotalSeconds < 1 ? 0 : Math.Round(p.RowsRead / elapsed.TotalSeconds, 1)), JournalJson.Default.HeartbeatProgress);
    }

    private async Task LoseAsync(string reason)
    {
        _lostReason = reason;
        Log.Error("Heartbeat of run {RunId} lost, the run stops: {Reason}", _runId, reason);
        await _lost.CancelAsync();
    }

    private static async Task DisposeSessionAsync(PgSession? session)
    {
        if (session is not null)
        {
            await session.DisposeAsync();
        }
    }
}
