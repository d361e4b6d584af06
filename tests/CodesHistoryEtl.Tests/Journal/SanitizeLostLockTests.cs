using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

/// <summary>A 'running' row whose run lock is gone is closed by the next lock holder at once, not after HEARTBEAT_TTL_MIN.</summary>
public sealed class SanitizeLostLockTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_run_whose_lock_session_died_is_closed_by_the_next_holder_with_a_fresh_heartbeat()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var journal = new RunJournal(db.Settings);
        var dead = await RunLock.AcquireAsync(db.Settings, Ct);
        var deadRun = await journal.StartAsync(dead, null, [], Ct);
        Assert.True(await db.ScalarAsync<bool>($"SELECT pg_terminate_backend({dead.BackendPid})"));
        await JournalDb.EventuallyAsync(
            async () => await db.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE pid = {dead.BackendPid}") == 0, "backend gone");
        var handWritten = await db.InsertRunAsync("other_process", "running", "1 minute", "10 seconds");

        await using var next = await RunLock.AcquireAsync(db.Settings, Ct);
        var closed = await journal.SanitizeStaleAsync(next, Ct);

        var run = Assert.Single(closed);
        Assert.Equal((deadRun, "running", "error"), (run.RunId, run.FromStatus, run.ToStatus));
        Assert.Contains($"its run lock (PostgreSQL backend {dead.BackendPid}) is gone", run.Reason, StringComparison.Ordinal);
        Assert.Equal("running", await db.ScalarAsync<string>($"SELECT status FROM {db.Tables.Journal} WHERE id = {handWritten}"));
        await journal.StartAsync(next, null, [], Ct); // the unique active-row index no longer stands in the way
        await Assert.ThrowsAsync<RunLockLostException>(() => dead.EnsureHeldAsync(Ct));
        await next.EnsureHeldAsync(Ct);
        await dead.DisposeAsync();
    }
}
