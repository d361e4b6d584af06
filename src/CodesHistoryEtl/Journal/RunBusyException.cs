namespace CodesHistoryEtl.Journal;

/// <summary>Another run of the same PROCESS_NAME holds the run lock: nothing was done (exit code Busy).</summary>
public sealed class RunBusyException(string processName, RunHolder holder) : Exception(
    $"PROCESS_NAME '{processName}' is busy: another run holds its lock. Holder: {holder}. Nothing was done; " +
    "the next scheduled run will try again. If that process is gone, PostgreSQL releases its lock when its connection closes.")
{
    public string ProcessName { get; } = processName;

    public RunHolder Holder { get; } = holder;
}
