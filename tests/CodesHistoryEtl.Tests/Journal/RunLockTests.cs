using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

public sealed class RunLockTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_sessions_racing_exactly_one_runs_and_the_other_is_told_who_holds_it()
    {
        var db = await JournalDb.CreateAsync(postgres);

        // Two independent sessions: exactly what two processes are to the server.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => TryAcquireAsync(db), Ct)));

        var winner = Assert.Single(attempts, a => a.Lock is not null).Lock!;
        await using (winner)
        {
            var busy = Assert.Single(attempts, a => a.Busy is not null).Busy!;
            Assert.Equal(winner.BackendPid, busy.Holder.BackendPid);
            Assert.Contains($"PostgreSQL session {winner.BackendPid}", busy.Message, StringComparison.Ordinal);
            Assert.Contains("'test_process' is busy", busy.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Busy_message_names_the_holders_run_host_and_pid_from_the_journal()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var runId = await new RunJournal(db.Settings).StartAsync(held, null, ["run"], Ct);

        var busy = await Assert.ThrowsAsync<RunBusyException>(() => RunLock.AcquireAsync(db.Settings, Ct));

        Assert.Equal(runId, busy.Holder.RunId);
        Assert.Contains($"run {runId} on host {Environment.MachineName} pid {Environment.ProcessId}", busy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Busy_before_any_migration_still_names_the_holding_session()
    {
        var db = await JournalDb.CreateAsync(postgres, migrate: false);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);

        var busy = await Assert.ThrowsAsync<RunBusyException>(() => RunLock.AcquireAsync(db.Settings, Ct));

        Assert.Null(busy.Holder.RunId);
        Assert.Equal(held.BackendPid, busy.Holder.BackendPid);
    }

    [Fact]
    public async Task Crashed_holders_lock_goes_with_its_connection()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var crashed = await RunLock.AcquireAsync(db.Settings, Ct);
        await Assert.ThrowsAsync<RunBusyException>(() => RunLock.AcquireAsync(db.Settings, Ct));

        Assert.True(await db.ScalarAsync<bool>($"SELECT pg_terminate_backend({crashed.BackendPid})"));
        await JournalDb.EventuallyAsync(
            async () => await db.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE pid = {crashed.BackendPid}") == 0, "backend gone");

        await using var next = await RunLock.AcquireAsync(db.Settings, Ct);
        Assert.NotEqual(crashed.BackendPid, next.BackendPid);
        await crashed.DisposeAsync(); // its unlock fails on the dead connection and is only logged
    }

    [Fact]
    public async Task Released_lock_can_be_taken_again_and_other_process_names_never_wait()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using (await RunLock.AcquireAsync(db.Settings, Ct))
        {
            await using var other = await RunLock.AcquireAsync(db.For("another_process"), Ct);
            Assert.Equal("another_process", other.ProcessName);
        }

        await using var again = await RunLock.AcquireAsync(db.Settings, Ct);
        Assert.Equal("test_process", again.ProcessName);
    }

    private static async Task<(RunLock? Lock, RunBusyException? Busy)> TryAcquireAsync(JournalDb db)
    {
        try
        {
            return (await RunLock.AcquireAsync(db.Settings, Ct), null);
        }
        catch (RunBusyException e)
        {
            return (null, e);
        }
    }
}
