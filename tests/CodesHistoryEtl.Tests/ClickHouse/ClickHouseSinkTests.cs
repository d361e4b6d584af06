using System.Globalization;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.ClickHouse;

/// <summary>Re-running a window, after success or after an insert broken off mid-stream, leaves exactly its rows.</summary>
public sealed class ClickHouseSinkTests(ClickHouseFixture fixture)
{
    private static readonly DateTimeOffset Since = new(2024, 8, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Since.AddHours(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IEnumerable<ExportRow> Window(int count, DateTimeOffset since, DateTimeOffset until)
    {
        var step = (until - since).TotalMilliseconds / count;
        for (var i = 0; i < count; i++)
        {
            yield return TestRows.Make($"CIS{i:D8}", since.ToUnixTimeMilliseconds() + (long)(i * step), until);
        }
    }

    private static async Task<long> WriteWindowAsync(ClickHouseSink sink, IEnumerable<ExportRow> rows, Guid loadId, DateTimeOffset since, DateTimeOffset until)
    {
        await using var insert = await sink.BeginInsertAsync(since, until, loadId, Ct);
        foreach (var row in rows)
        {
            await insert.WriteAsync(row, Ct);
        }

        return await insert.CompleteAsync(Ct);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rerunning_a_window_leaves_one_copy_and_spares_its_neighbours(bool cluster)
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture, cluster);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        await WriteWindowAsync(sink, Window(100, Since.AddHours(-1), Since), Guid.NewGuid(), Since.AddHours(-1), Since);
        await WriteWindowAsync(sink, Window(100, Until, Until.AddHours(1)), Guid.NewGuid(), Until, Until.AddHours(1));

        var rows = Window(1000, Since, Until).ToArray();
        await WriteWindowAsync(sink, rows, Guid.NewGuid(), Since, Until);
        var second = Guid.NewGuid();
        Assert.Equal(1000, await WriteWindowAsync(sink, rows, second, Since, Until));

        Assert.Equal(1000, await sink.CountWindowAsync(Since, Until, Ct));
        Assert.Equal($"{second}\t1000\n", await fixture.QueryAsync(
            $"SELECT toString(load_id), count() FROM {target.InsertTable} WHERE {ClickHouseSink.RangeCondition(Since, Until)} GROUP BY load_id"));
        Assert.Equal("1200\n", await fixture.QueryAsync($"SELECT count() FROM {target.InsertTable}"));
    }

    [Theory]
    [InlineData("2024-08-01T18:00:00Z", 60)] // ends at business midnight (Asia/Almaty): ts is the next day's 00:00
    [InlineData("2024-08-01T19:00:00Z", 60)] // starts at business midnight
    [InlineData("2024-08-01T23:00:00Z", 60)] // ends at UTC midnight
    [InlineData("2024-08-01T19:00:00Z", 1440)] // a whole business day, across a UTC midnight
    [InlineData("1970-01-01T00:00:00Z", 60)] // the first hour DateTime holds: no day before it to name
    public async Task A_window_at_a_day_boundary_is_replaced_whole(string since, int minutes)
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        var from = DateTimeOffset.Parse(since, CultureInfo.InvariantCulture);
        var to = from.AddMinutes(minutes);
        var rows = Window(1000, from, to).ToArray();
        await WriteWindowAsync(sink, rows, Guid.NewGuid(), from, to);
        var rerun = Guid.NewGuid();

        Assert.Equal(1000, await WriteWindowAsync(sink, rows, rerun, from, to));
        Assert.Equal($"{rerun}\t1000\n", await fixture.QueryAsync(
            $"SELECT toString(load_id), count() FROM {target.InsertTable} GROUP BY load_id"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // through the Distributed table, whose d_biz is an ALIAS: the shards still skip partitions
    public async Task A_window_s_counts_and_deletes_read_only_the_partitions_its_rows_can_be_in(bool cluster)
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture, cluster);

        // force_index_by_date refuses a query that cannot skip partitions by their d_biz range
        var condition = ClickHouseSink.RangeCondition(Since, Until);
        Assert.Equal("0\n", await fixture.QueryAsync($"SELECT count() FROM {target.InsertTable} WHERE {condition} SETTINGS force_index_by_date = 1"));
        var opdOnly = condition[condition.IndexOf("opd >=", StringComparison.Ordinal)..];
        await Assert.ThrowsAnyAsync<Exception>(() => fixture.QueryAsync($"SELECT count() FROM {target.InsertTable} WHERE {opdOnly} SETTINGS force_index_by_date = 1"));
    }

    [Fact]
    public async Task An_insert_broken_off_mid_stream_is_replaced_by_the_rerun()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job") { MaxInsertBlockSize = 1000 };
        var rows = Window(30_000, Since, Until).ToArray();

        long partial;
        await using (var insert = await sink.BeginInsertAsync(Since, Until, Guid.NewGuid(), Ct))
        {
            foreach (var row in rows)
            {
                await insert.WriteAsync(row, Ct);
            }

            // ClickHouse commits each block of 1000 rows as it arrives: wait until some have landed, then abandon.
            partial = await WaitForRowsAsync(sink);
        }

        Assert.InRange(partial, 1, rows.Length - 1);
        var afterAbort = await sink.CountWindowAsync(Since, Until, Ct);
        Assert.InRange(afterAbort, partial, rows.Length - 1);

        Assert.Equal(rows.Length, await WriteWindowAsync(sink, rows, Guid.NewGuid(), Since, Until));
        Assert.Equal(rows.Length, await sink.CountWindowAsync(Since, Until, Ct));
    }

    [Fact]
    public async Task A_rerun_that_fails_mid_stream_leaves_the_committed_window_as_it_was()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        var committed = Guid.NewGuid();
        await WriteWindowAsync(sink, Window(1000, Since, Until), committed, Since, Until);

        await using (var rerun = await sink.BeginInsertAsync(Since, Until, Guid.NewGuid(), Ct))
        {
            foreach (var row in Window(5_000, Since, Until))
            {
                await rerun.WriteAsync(row, Ct); // e.g. Phoenix fails here: the window is abandoned before its body ends
            }
        }

        Assert.Equal($"{committed}\t1000\n", await fixture.QueryAsync(
            $"SELECT toString(load_id), count() FROM {target.InsertTable} WHERE {ClickHouseSink.RangeCondition(Since, Until)} GROUP BY load_id"));
    }

    [Fact]
    public async Task A_window_the_same_run_reads_again_replaces_the_blocks_its_broken_attempt_committed()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job") { MaxInsertBlockSize = 1000 };
        var run = Guid.NewGuid();
        await WriteWindowAsync(sink, Window(700, Since, Until), Guid.NewGuid(), Since, Until); // an earlier run's rows
        var rows = Window(30_000, Since, Until).ToArray();
        await using (var attempt = await sink.BeginInsertAsync(Since, Until, run, Ct))
        {
            foreach (var row in rows)
            {
                await attempt.WriteAsync(row, Ct);
            }

            Assert.True(await WaitForRowsAsync(sink, 700) > 700); // some of this attempt's blocks are committed, then the session is lost
        }

        Assert.Equal(rows.Length, await WriteWindowAsync(sink, rows, run, Since, Until));
        Assert.Equal(rows.Length, await sink.CountWindowAsync(Since, Until, Ct));
    }

    [Fact]
    public async Task An_insert_whose_first_rows_come_after_the_server_s_keep_alive_timeout_still_lands()
    {
        // ops/services.sh gives the local server keep_alive_timeout 10 s (stock: 3 s); a connection it sees nothing on
        // for that long is closed, so the insert's headers must reach it before the first rows do
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        await using var insert = await sink.BeginInsertAsync(Since, Until, Guid.NewGuid(), Ct);
        await Task.Delay(TimeSpan.FromSeconds(11), Ct);
        foreach (var row in Window(300, Since, Until))
        {
            await insert.WriteAsync(row, Ct);
        }

        Assert.Equal(300, await insert.CompleteAsync(Ct));
        Assert.Equal(300, await sink.CountWindowAsync(Since, Until, Ct));
    }

    [Fact]
    public async Task An_insert_extended_over_the_next_window_replaces_both_and_its_broken_attempt_is_deleted_from_both()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job") { MaxInsertBlockSize = 1000 };
        var next = (Since: Until, Until: Until.AddHours(1));
        var after = (Since: next.Until, Until: next.Until.AddHours(1));
        await WriteWindowAsync(sink, Window(400, Since, next.Until), Guid.NewGuid(), Since, next.Until); // an earlier run's rows in both
        await WriteWindowAsync(sink, Window(50, after.Since, after.Until), Guid.NewGuid(), after.Since, after.Until); // and in the window after
        var run = Guid.NewGuid();
        var rows = Window(20_000, Since, Until).Concat(Window(20_000, next.Since, next.Until)).ToArray();
        await using (var attempt = await sink.BeginInsertAsync(Since, Until, run, Ct))
        {
            attempt.Extend(next.Until);
            foreach (var row in rows)
            {
                await attempt.WriteAsync(row, Ct);
            }

            // some blocks of the second window are in (so of the first too), then the session is lost
            for (var poll = 0; poll < 100 && await sink.CountWindowAsync(next.Since, next.Until, Ct) <= 200; poll++)
            {
                await Task.Delay(100, Ct);
            }

            Assert.True(await sink.CountWindowAsync(next.Since, next.Until, Ct) > 200);
        }

        await using (var again = await sink.BeginInsertAsync(Since, Until, run, Ct))
        {
            Assert.Equal(400, await sink.CountWindowAsync(Since, next.Until, Ct)); // the broken attempt's blocks are gone, the earlier run's rows not yet
            again.Extend(next.Until);
            foreach (var row in rows)
            {
                await again.WriteAsync(row, Ct);
            }

            Assert.Equal(rows.Length, await again.CompleteAsync(Ct));
        }

        Assert.Equal(20_000, await sink.CountWindowAsync(Since, Until, Ct));
        Assert.Equal(20_000, await sink.CountWindowAsync(next.Since, next.Until, Ct));
        Assert.Equal(50, await sink.CountWindowAsync(after.Since, after.Until, Ct)); // outside the insert's range: untouched
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_insert_abandoned_within_its_first_block_commits_nothing(bool gzip)
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings, gzip);
        var sink = new ClickHouseSink(client, "job");
        await using (var insert = await sink.BeginInsertAsync(Since, Until, Guid.NewGuid(), Ct))
        {
            foreach (var row in Window(20_000, Since, Until))
            {
                await insert.WriteAsync(row, Ct); // ~6 MB: several WindowInsert.ChunkBytes chunks reach the server, then the window is abandoned
            }
        }

        Assert.Equal(0, await sink.CountWindowAsync(Since, Until, Ct));
    }

    [Fact]
    public async Task The_next_window_is_replaced_and_written_while_the_previous_insert_commits_and_both_land_whole()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        var next = (Since: Until, Until: Until.AddHours(1));
        await WriteWindowAsync(sink, Window(500, next.Since, next.Until), Guid.NewGuid(), next.Since, next.Until); // an earlier run's rows
        var loadId = Guid.NewGuid();

        await using var first = await sink.BeginInsertAsync(Since, Until, loadId, Ct);
        foreach (var row in Window(100_000, Since, Until))
        {
            await first.WriteAsync(row, Ct);
        }

        await first.EndBodyAsync(); // ClickHouse sorts and writes these 100k rows while the next window goes in
        Assert.Equal(300, await WriteWindowAsync(sink, Window(300, next.Since, next.Until), loadId, next.Since, next.Until));
        Assert.Equal(100_000, await first.CommitAsync(Ct));

        Assert.Equal(100_000, await sink.CountWindowAsync(Since, Until, Ct));
        Assert.Equal(300, await sink.CountWindowAsync(next.Since, next.Until, Ct));
    }

    [Fact]
    public async Task A_window_waits_for_another_process_s_insert_still_running_and_names_it_after_CH_TIMEOUT_SEC()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var otherClient = new ClickHouseClient(target.Settings);
        using var client = new ClickHouseClient(target.Settings with { TimeoutSec = 1 });
        var next = (Since: Until, Until: Until.AddHours(1));

        // another process's insert (another sink) whose body is still open: it may yet commit rows, so nothing is replaced
        await using var other = await new ClickHouseSink(otherClient, "job").BeginInsertAsync(Since, Until, Guid.NewGuid(), Ct);
        foreach (var row in Window(30_000, Since, Until))
        {
            await other.WriteAsync(row, Ct); // enough for the server to start the query (a few KiB it does not)
        }

        Assert.Equal(1, await WaitForRunningInsertsAsync(target));
        var error = await Assert.ThrowsAsync<ClickHouseException>(() => new ClickHouseSink(client, "job").BeginInsertAsync(next.Since, next.Until, Guid.NewGuid(), Ct));
        Assert.Contains($"an earlier insert into {target.InsertTable} is still running after 1 s (CH_TIMEOUT_SEC)", error.Message, StringComparison.Ordinal);
        Assert.Contains("KILL QUERY WHERE startsWith(query_id, 'etl-insert-", error.Message, StringComparison.Ordinal);

        Assert.Equal(30_000, await other.CompleteAsync(Ct)); // once it ends, the next window goes in
        Assert.Equal(3, await WriteWindowAsync(new ClickHouseSink(client, "job"), Window(3, next.Since, next.Until), Guid.NewGuid(), next.Since, next.Until));
    }

    [Fact]
    public async Task The_next_window_does_not_wait_for_this_run_s_own_insert_the_server_is_still_committing()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        // every insert into the table takes the server 3 s more: a materialized view that sleeps on each block
        await fixture.QueryAsync($"CREATE MATERIALIZED VIEW {target.Settings.Database}.slow ENGINE = Null AS SELECT sleep(3) AS s FROM {target.Table}");
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        var loadId = Guid.NewGuid();
        var next = (Since: Until, Until: Until.AddHours(1));

        await using var first = await sink.BeginInsertAsync(Since, Until, loadId, Ct);
        foreach (var row in Window(10, Since, Until))
        {
            await first.WriteAsync(row, Ct);
        }

        await first.EndBodyAsync();
        Assert.Equal(1, await WaitForRunningInsertsAsync(target));

        await using var second = await sink.BeginInsertAsync(next.Since, next.Until, loadId, Ct);

        // the window began while the first one was still being committed: the run's own insert was not waited for
        Assert.Equal(1, await RunningInsertsAsync(target));
        Assert.Equal(10, await first.CommitAsync(Ct));
        await second.WriteAsync(Window(1, next.Since, next.Until).Single(), Ct);
        Assert.Equal(1, await second.CompleteAsync(Ct));
    }

    [Fact]
    public async Task A_commit_that_finds_other_rows_under_its_load_id_fails_and_deletes_nothing()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        await WriteWindowAsync(sink, Window(50, Since, Until), Guid.NewGuid(), Since, Until); // an earlier run's rows
        var loadId = Guid.NewGuid();
        await using var insert = await sink.BeginInsertAsync(Since, Until, loadId, Ct);
        foreach (var row in Window(100, Since, Until))
        {
            await insert.WriteAsync(row, Ct);
        }

        // another writer using this run's load_id: the counts no longer prove which rows are the window's
        await fixture.QueryAsync($"INSERT INTO {target.InsertTable} (c, t, opd, ts, load_id) VALUES ('x', 1, toDateTime({Since.ToUnixTimeSeconds()}), toDateTime({Until.ToUnixTimeSeconds()}), toUUID('{loadId}'))");
        var error = await Assert.ThrowsAsync<ClickHouseException>(() => insert.CompleteAsync(Ct));

        Assert.Contains("the window holds 101 rows of this run after inserting 100", error.Message, StringComparison.Ordinal);
        Assert.Equal(151, await sink.CountWindowAsync(Since, Until, Ct)); // the earlier run's 50 rows were not deleted
    }

    [Fact]
    public async Task Rows_a_failed_run_left_that_the_source_no_longer_has_are_removed()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "job");
        await WriteWindowAsync(sink, Window(500, Since, Until), Guid.NewGuid(), Since, Until);

        var fewer = Window(300, Since, Until).ToArray();
        await WriteWindowAsync(sink, fewer, Guid.NewGuid(), Since, Until);
        Assert.Equal(300, await sink.CountWindowAsync(Since, Until, Ct));
    }

    [Fact]
    public async Task A_window_without_whole_second_bounds_is_refused()
    {
        var target = await ClickHouseTestTarget.CreateAsync(fixture, migrate: false);
        using var client = new ClickHouseClient(target.Settings);
        await Assert.ThrowsAsync<ArgumentException>(() => new ClickHouseSink(client, "job").BeginInsertAsync(Since.AddMilliseconds(1), Until, Guid.NewGuid(), Ct));
    }

    /// <summary>Window inserts into the target table that the server is running now.</summary>
    private async Task<long> RunningInsertsAsync(ClickHouseTestTarget target) => long.Parse(await fixture.QueryAsync(
        $"SELECT count() FROM system.processes WHERE startsWith(query_id, 'etl-insert-{target.InsertTable}-')"), CultureInfo.InvariantCulture);

    /// <summary>Waits up to 5 s for the server to start running a window insert; returns how many run.</summary>
    private async Task<long> WaitForRunningInsertsAsync(ClickHouseTestTarget target)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await RunningInsertsAsync(target) is > 0 and var running)
            {
                return running;
            }

            await Task.Delay(50, Ct);
        }

        return 0;
    }

    /// <summary>Waits until the window holds more than <paramref name="above"/> rows; returns how many (0 after 10 s).</summary>
    private static async Task<long> WaitForRowsAsync(ClickHouseSink sink, long above = 0)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await sink.CountWindowAsync(Since, Until, Ct) is var landed && landed > above)
            {
                return landed;
            }

            await Task.Delay(100, Ct);
        }

        return 0;
    }
}
