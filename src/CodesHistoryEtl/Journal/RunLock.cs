using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// The exclusive right to run one PROCESS_NAME: a session-level <c>pg_try_advisory_lock(hashtext(process_name))</c>
/// on a dedicated connection held open for the whole run. A crashed process's lock goes with its connection.
/// Dispose to release it. Proof of holding it is what <see cref="RunJournal.SanitizeStaleAsync"/> asks for.
/// </summary>
public sealed class RunLock : IAsyncDisposable
{
    private const string Operation = "take the run lock";
    private readonly PgSession _session;

    private RunLock(PgSession session, JournalSettings settings)
    {
        _session = session;
        Settings = settings;
        BackendPid = session.BackendPid;
    }

    public string ProcessName => Settings.ProcessName;

    /// <summary>The PostgreSQL backend pid of the lock's session (what pg_locks shows to others).</summary>
    public int BackendPid { get; }

    internal JournalSettings Settings { get; }

    /// <summary>The journal row of the run holding this lock, once started: sanitize never touches it.</summary>
    internal long? RunId { get; set; }

    /// <summary>Takes the lock at once or throws; never waits for the holder.</summary>
    /// <exception cref="RunBusyException">Another session holds it; the message names the holder.</exception>
    /// <exception cref="JournalException">PostgreSQL unreachable or the query failed.</exception>
    public static async Task<RunLock> AcquireAsync(JournalSettings settings, CancellationToken ct)
    {
        // The session names its process, so a run that finds the lock taken before the holder's journal row exists
        // still names the holder's pid and host (pg_stat_activity keeps 63 bytes: the pid first, the host may be cut).
        var session = await PgSession.OpenAsync(settings.Dsn, Operation, dedicated: true, ct,
            $"codes-history-etl pid {Environment.ProcessId} host {Environment.MachineName}");
        try
        {
            var taken = await session.QueryAsync(Operation, "SELECT pg_try_advisory_lock(hashtext($1))", r => r.GetBoolean(0), ct, settings.ProcessName);
            if (taken[0])
            {
                Log.Information("Took the run lock of {ProcessName} on {Dsn} (backend {BackendPid})", settings.ProcessName, settings.Dsn.Display, session.BackendPid);
                return new RunLock(session, settings);
            }

            var holder = await RunHolderQuery.FindAsync(session, JournalTables.For(settings.Table), settings.ProcessName, ct);
            Log.Warning("{ProcessName} is busy: held by {Holder}", settings.ProcessName, holder.ToString());
            throw new RunBusyException(settings.ProcessName, holder);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Proves the lock is still held before a commit: a session-level advisory lock lasts as long as its session,
    /// and only <see cref="DisposeAsync"/> unlocks it, so the session answering is the proof. Nothing is retried:
    /// once the session is gone another run may hold the lock.
    /// </summary>
    /// <exception cref="RunLockLostException">The session is gone.</exception>
    public async Task EnsureHeldAsync(CancellationToken ct)
    {
        try
        {
            await _session.ExecuteAsync("check the run lock", "SELECT 1", ct);
        }
        catch (JournalException e)
        {
            throw new RunLockLostException(ProcessName, BackendPid, e.Message, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.ExecuteAsync("release the run lock", "SELECT pg_advisory_unlock(hashtext($1))", CancellationToken.None, ProcessName);
            Log.Information("Released the run lock of {ProcessName}", ProcessName);
        }
        catch (JournalException e)
        {
            // Closing the session below releases it anyway.
            Log.Warning("Could not release the run lock of {ProcessName} explicitly ({Error}); closing its connection releases it", ProcessName, e.Message);
        }
        finally
        {
            await _session.DisposeAsync();
        }
    }
}
