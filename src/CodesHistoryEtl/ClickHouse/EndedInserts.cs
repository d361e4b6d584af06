using System.Collections.Concurrent;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// One sink's window inserts whose body ended cleanly and whose answer is still awaited: the server is committing
/// them for this process, so the next window does not wait for them as it waits for an insert some dead client left
/// running (<see cref="ClickHouseSink"/>). An insert is listed from the end of its body to the end of its request,
/// whatever the answer.
/// </summary>
internal sealed class EndedInserts
{
    private readonly ConcurrentDictionary<string, bool> _queryIds = new(StringComparer.Ordinal);

    public IEnumerable<string> QueryIds => _queryIds.Keys;

    /// <summary>Lists <paramref name="queryId"/> until <paramref name="request"/> ends.</summary>
    public void Track(string queryId, Task request)
    {
        _queryIds[queryId] = true;
        _ = request.ContinueWith((ended, id) => _queryIds.TryRemove((string)id!, out _), queryId,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
