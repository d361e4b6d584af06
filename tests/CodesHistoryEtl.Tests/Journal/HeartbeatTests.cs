using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

public sealed class HeartbeatTests(PostgresFixture postgres)
{
    private static readonly HeartbeatTiming Fast = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_heartbeat_and_progress_and_survives_a_killed_session()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var runId = await StartRunAsync(db);
        var window = new Window(new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 1, 1, 0, 0, TimeSpan.Zero));
        var progress = new RunProgress(window, 3, 300, 290, 10);

        await using var heartbeat = Heartbeat.Start(db.Settings, runId, () => progress, Fast);
        await JournalDb.EventuallyAsync(() => Task.FromResult(heartbeat.Beats >= 2), "two heartbeats");
        var written = await db.QueryAsync(
            $"SELECT details->'progress'->>'window', (details->'progress'->>'rows_written')::bigint FROM {db.Tables.Journal} WHERE id = {runId}",
            r => (r.GetString(0), r.GetInt64(1)));
        Assert.Equal((window.ToString(), 290L), written[0]);

        // Kill the heartbeat's own session: it reconnects and goes on; the run is not lost.
        var killed = await db.ScalarAsync<bool>(
            "SELECT bool_or(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'UPDATE%heartbeat_ts%' AND pid <> pg_backend_pid()");
        Assert.True(killed);
        var beats = heartbeat.Beats;
        await JournalDb.EventuallyAsync(() => Task.FromResult(heartbeat.Beats >= beats + 2), "heartbeats after reconnecting");
        Assert.False(heartbeat.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task Unreachable_database_for_longer_than_the_ttl_loses_the_run()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var runId = await StartRunAsync(db);
        var unreachable = db.Settings with { Dsn = PostgresDsn.Parse("PG_DSN", $"Host=127.0.0.1;Port=1;Username=etl;Password={db.Password};Database=x;Timeout=1") };

        await using var heartbeat = Heartbeat.Start(unreachable, runId, () => RunProgress.None, Fast);
        await JournalDb.EventuallyAsync(() => Task.FromResult(heartbeat.Lost.IsCancellationRequested), "heartbeat lost");

        Assert.Contains("no heartbeat could be written", heartbeat.LostReason, StringComparison.Ordinal);
        Assert.Equal(0, heartbeat.Beats);
    }

    [Fact]
    public async Task Row_closed_by_another_process_loses_the_run_at_once()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var runId = await StartRunAsync(db);
        await using var heartbeat = Heartbeat.Start(db.Settings, runId, () => RunProgress.None, Fast with { Ttl = TimeSpan.FromMinutes(5) });
        await JournalDb.EventuallyAsync(() => Task.FromResult(heartbeat.Beats >= 1), "first heartbeat");

        await db.CloseRunAsync(runId);

        await JournalDb.EventuallyAsync(() => Task.FromResult(heartbeat.Lost.IsCancellationRequested), "heartbeat lost");
        Assert.Contains($"run {runId} is no longer 'running'", heartbeat.LostReason, StringComparison.Ordinal);
    }

    private static async Task<long> StartRunAsync(JournalDb db)
    {
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        return await new RunJournal(db.Settings).StartAsync(held, null, [], Ct);
    }
}
