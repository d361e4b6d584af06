namespace CodesHistoryEtl.Journal;

/// <summary>
/// The run lock's PostgreSQL session is gone (terminated, network cut, server restarted): another run may
/// already have taken the lock, so this run stops before committing anything more.
/// </summary>
public sealed class RunLockLostException(string processName, int backendPid, string cause, Exception? inner = null) : Exception(
    $"the run lock of '{processName}' was lost (its PostgreSQL session, backend {backendPid}, is gone: {cause}). Another run may " +
    "have started, so this run stopped before committing the current window; the next run redoes it", inner);
