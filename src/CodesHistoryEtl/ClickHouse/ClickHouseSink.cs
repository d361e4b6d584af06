using System.Globalization;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using Serilog;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// Writes windows into the target table exactly once. A window is its source-time range [since, until)
/// on <c>opd</c>; <see cref="BeginInsertAsync"/> opens a streaming insert of one or more consecutive windows whose rows carry
/// the run's load_id, and its commit then deletes the range's rows of any other load_id (an earlier run's, complete or
/// broken off) and waits until none is visible through the insert table. So a rerun that fails leaves the range as it was.
/// See README "Exactly once".
/// </summary>
public sealed class ClickHouseSink(ClickHouseClient client, string etlJob, FailPoint? failPoint = null)
{
    /// <summary>Polls start this soon (a mutation of a small window is done in milliseconds) and back off to <see cref="MaxPollInterval"/>.</summary>
    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Ranges of this sink's inserts disposed uncommitted: some of their blocks may be on the server, under this run's load_id.</summary>
    private readonly List<(DateTimeOffset Since, DateTimeOffset Until)> _abandoned = [];

    private readonly EndedInserts _ended = new();

    private ClickHouseSettings Settings => client.Settings;

    private string InsertTable => $"{Settings.Database}.{Settings.InsertTable}";

    /// <summary>Every window insert into this table runs under a query_id with this prefix.</summary>
    private string InsertQueryIdPrefix => $"etl-insert-{Settings.Database}.{Settings.InsertTable}-";

    /// <summary>Test knob: rows per block the server commits (max_insert_block_size and min_insert_block_size_rows).</summary>
    internal int? MaxInsertBlockSize { get; init; }

    /// <summary>
    /// Returns an open insert of the window [<paramref name="since"/>, <paramref name="until"/>), which later windows may join
    /// (<see cref="WindowInsert.Extend"/>); its commit replaces the rows earlier runs left in its range. Rows this run's
    /// abandoned inserts left (an attempt re-read after a lost Phoenix session) are deleted first. Throws
    /// <see cref="ClickHouseException"/> when a delete fails or does not finish within CH_TIMEOUT_SEC,
    /// <see cref="ArgumentException"/> for a window whose bounds are not whole seconds or are out of order.
    /// </summary>
    public async Task<WindowInsert> BeginInsertAsync(DateTimeOffset since, DateTimeOffset until, Guid loadId, CancellationToken ct)
    {
        _ = RangeCondition(since, until); // refuses bounds that are not whole seconds or out of order, before anything is sent
        var server = await client.GetServerInfoAsync(ct).ConfigureAwait(false);
        await WaitForEarlierInsertsAsync(ct).ConfigureAwait(false);
        foreach (var (from, to) in _abandoned.ToArray())
        {
            var ownRows = $"{RangeCondition(from, to)} AND load_id = {Uuid(loadId)}";
            if (await CountAsync(ownRows, ct).ConfigureAwait(false) is > 0 and var own)
            {
                await DeleteAsync(ownRows, own, "an earlier attempt of this run", () => CountAsync(ownRows, ct), ct).ConfigureAwait(false);
            }

            _abandoned.Remove((from, to));
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["query_id"] = InsertQueryIdPrefix + loadId.ToString("N") + "-" + since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
        // Exactly-once comes from the replace; block deduplication would silently drop a block identical to
        // one inserted before an ALTER DELETE on Replicated tables, so it is switched off for this insert.
        AddIfKnown(server, settings, "insert_deduplicate", "0");
        AddIfKnown(server, settings, "async_insert", "0");
        if (Settings.IsCluster)
        {
            AddIfKnown(server, settings, "insert_distributed_sync", "1");
        }

        if (MaxInsertBlockSize is { } blockSize)
        {
            settings["max_insert_block_size"] = blockSize.ToString(CultureInfo.InvariantCulture);
            settings["min_insert_block_size_rows"] = blockSize.ToString(CultureInfo.InvariantCulture);
        }

        var sql = $"INSERT INTO {InsertTable} ({RowEncoder.InsertColumns}) FORMAT RowBinary";
        return new WindowInsert(client, sql, settings, new RowEncoder(etlJob, loadId), until,
            (end, rows, token) => ReplaceEarlierRowsAsync(RangeCondition(since, end), loadId, rows, token), end => _abandoned.Add((since, end)), _ended, ct);
    }

    /// <summary>
    /// After the insert committed: all its rows are there, then the range's rows of other load_ids are deleted
    /// (ClickHouse shows both for that moment) until none is visible, and this run's rows are still all there.
    /// </summary>
    private async Task ReplaceEarlierRowsAsync(string range, Guid loadId, long written, CancellationToken ct)
    {
        var (own, others) = await CountByLoadAsync(range, loadId, ct).ConfigureAwait(false);
        RequireWritten(own, written, CountByLoadSql(range, loadId), "the insert was partly dropped");
        if (others > 0)
        {
            failPoint?.Reach("replace-delete");
            // each poll counts both, so its last one also proves this run's rows are still whole
            await DeleteAsync($"{range} AND load_id != {Uuid(loadId)}", others, "an earlier run", async () =>
            {
                (own, others) = await CountByLoadAsync(range, loadId, ct).ConfigureAwait(false);
                return others;
            }, ct).ConfigureAwait(false);
            RequireWritten(own, written, CountByLoadSql(range, loadId), "another writer touched it or the insert was partly dropped");
        }
    }

    /// <summary>The range's rows of <paramref name="loadId"/> and of every other load_id, in one scan (a count reads whole partitions: the range is not a prefix of the sort key).</summary>
    private async Task<(long Own, long Others)> CountByLoadAsync(string range, Guid loadId, CancellationToken ct)
    {
        var counts = await client.QueryLongsAsync("count window", CountByLoadSql(range, loadId), 2, ct).ConfigureAwait(false);
        return (counts[0], counts[1]);
    }

    private string CountByLoadSql(string range, Guid loadId) =>
        $"SELECT countIf(load_id = {Uuid(loadId)}), countIf(load_id != {Uuid(loadId)}) FROM {InsertTable} WHERE {range}";

    private static void RequireWritten(long own, long written, string sql, string cause)
    {
        if (own != written)
        {
            throw new ClickHouseException("verify window", sql, null, 200,
                $"the window holds {own} rows of this run after inserting {written}: {cause}; re-run the window");
        }
    }

    /// <summary>Rows of [since, until) visible through the insert table.</summary>
    public Task<long> CountWindowAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) =>
        CountAsync(RangeCondition(since, until), ct);

    private Task<long> CountAsync(string condition, CancellationToken ct) =>
        client.QueryLongAsync("count window", $"SELECT count() FROM {InsertTable} WHERE {condition}", ct);

    private static string Uuid(Guid id) => $"toUUID('{id:D}')";

    /// <summary>Deletes the <paramref name="rows"/> rows matching <paramref name="condition"/> (left by <paramref name="whose"/>) and polls <paramref name="left"/> until it is 0.</summary>
    private async Task DeleteAsync(string condition, long rows, string whose, Func<Task<long>> left, CancellationToken ct)
    {
        var local = $"{Settings.Database}.{Settings.Table}";
        var sql = Settings.IsCluster
            ? $"ALTER TABLE {local} ON CLUSTER {Settings.Cluster} DELETE WHERE {condition}"
            : $"ALTER TABLE {local} DELETE WHERE {condition}";
        Log.Information("Deleting {Rows} rows left by {Whose}: {Condition}", rows, whose, condition);
        try
        {
            await client.ExecuteAsync("delete window", sql, ct).ConfigureAwait(false);
        }
        catch (ClickHouseException e) when (Settings.IsCluster && e.Code == ClusterNotReplicatedCode)
        {
            // The cluster lacks <internal_replication>true</internal_replication>: ClickHouse refuses ON CLUSTER
            // mutations of Replicated tables. A mutation on one replica still reaches the shard's other replicas;
            // the count below proves whether that was enough (it is not on a multi-shard cluster).
            Log.Warning("ClickHouse refused ON CLUSTER DELETE ({Message}); deleting through this replica instead. " +
                "Set <internal_replication>true</internal_replication> for cluster {Cluster}", e.ServerMessage, Settings.Cluster);
            await client.ExecuteAsync("delete window", $"ALTER TABLE {local} DELETE WHERE {condition}", ct).ConfigureAwait(false);
        }

        await PollUntilZeroAsync(left, n => new ClickHouseException("delete window", sql, null, null,
            $"{n} rows to delete from the window are still there {Settings.TimeoutSec} s (CH_TIMEOUT_SEC) after the DELETE: " +
            "the mutation has not finished; check system.mutations (is_done = 0) on every replica, then re-run the window"), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// An insert whose client died (killed, aborted) can still be committing the bytes the server already
    /// received; a DELETE issued meanwhile would miss its later blocks. So wait until no earlier window
    /// insert into this table is running on the server, except this sink's own inserts of other windows whose body
    /// ended cleanly (the run streams the next window while ClickHouse commits the previous one).
    /// </summary>
    private async Task WaitForEarlierInsertsAsync(CancellationToken ct)
    {
        var own = string.Join(", ", _ended.QueryIds.Select(id => $"'{id}'"));
        var sql = $"SELECT count() FROM system.processes WHERE startsWith(query_id, '{InsertQueryIdPrefix}')" +
            (own.Length > 0 ? $" AND query_id NOT IN ({own})" : "");
        await PollUntilZeroAsync(() => client.QueryLongAsync("wait for earlier inserts", sql, ct), _ => new ClickHouseException("wait for earlier inserts", sql, null, null,
            $"an earlier insert into {InsertTable} is still running after {Settings.TimeoutSec} s (CH_TIMEOUT_SEC); " +
            $"if no other ETL run is alive, stop it with KILL QUERY WHERE startsWith(query_id, '{InsertQueryIdPrefix}') and re-run"), ct).ConfigureAwait(false);
    }

    /// <summary>Polls <paramref name="count"/> until it is 0, backing off; past CH_TIMEOUT_SEC throws <paramref name="timedOut"/>(last count).</summary>
    private async Task PollUntilZeroAsync(Func<Task<long>> count, Func<long, ClickHouseException> timedOut, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + client.CallTimeout;
        var interval = FirstPollInterval;
        long left;
        while ((left = await count().ConfigureAwait(false)) > 0)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw timedOut(left);
            }

            await Task.Delay(interval, ct).ConfigureAwait(false);
            interval = interval * 2 < MaxPollInterval ? interval * 2 : MaxPollInterval;
        }
    }

    /// <summary>
    /// The window as a condition on opd (whole epoch seconds), led by the partitions its rows can be in, so a count
    /// or a delete reads a few days' partitions, not the whole table (opd is not a prefix of the sort key). A row's
    /// <c>d_biz</c> is the business date of its <c>ts</c> (or of <c>ts</c> - 1 s), and <c>ts</c> is the upper bound of
    /// the window that loaded it: later than <c>opd</c> by at most a day (STEP_MIN divides a day). Business dates are
    /// within a day of UTC dates in every time zone, so the bounds below hold whatever BUSINESS_TZ or STEP_MIN an
    /// earlier run used.
    /// </summary>
    internal static string RangeCondition(DateTimeOffset since, DateTimeOffset until)
    {
        if (until <= since || since.Ticks % TimeSpan.TicksPerSecond != 0 || until.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"Window [{since:O}, {until:O}) must have whole-second bounds with since < until");
        }

        var firstDay = since.UtcDateTime.Date.AddDays(-1);
        firstDay = firstDay < DateTime.UnixEpoch ? DateTime.UnixEpoch : firstDay; // Date starts at 1970-01-01
        var lastDay = until.UtcDateTime.Date.AddDays(2);
        return string.Create(CultureInfo.InvariantCulture,
            $"d_biz >= toDate('{firstDay:yyyy-MM-dd}') AND d_biz <= toDate('{lastDay:yyyy-MM-dd}') AND " +
            $"opd >= toDateTime({since.ToUnixTimeSeconds()}) AND opd < toDateTime({until.ToUnixTimeSeconds()})");
    }

    private static void AddIfKnown(ServerInfo server, Dictionary<string, string> settings, string name, string value)
    {
        if (server.Knows(name))
        {
            settings[name] = value;
        }
    }

    private const int ClusterNotReplicatedCode = 371;
}
