using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Journal;

public sealed class RunJournalTests(PostgresFixture postgres)
{
    private static readonly Window Hour = new(new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 1, 1, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Database_rejects_a_second_active_row_for_the_same_process()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await db.InsertRunAsync("test_process", "planned", "1 minute");

        var error = await Assert.ThrowsAsync<PostgresException>(() => db.InsertRunAsync("test_process", "running", "1 minute"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);

        // Finished rows and other process names are not active rows of this process.
        await db.ExecuteAsync($"INSERT INTO {db.Tables.Journal} (process_name, status, ts_end) VALUES ('test_process', 'ok', now())");
        await db.InsertRunAsync("another_process", "running", "1 minute");
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var viaJournal = await Assert.ThrowsAsync<JournalException>(() => new RunJournal(db.Settings).StartAsync(held, Hour, [], Ct));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, viaJournal.SqlState);
        Assert.Contains("start run", viaJournal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sanitize_closes_exactly_the_stale_rows_and_never_a_live_one()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var oldPlanned = await db.InsertRunAsync("test_process", "planned", "31 minutes");
        var otherStale = await db.InsertRunAsync("other_process", "running", "7 hours", "1 hour");
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);

        var planned = await journal.SanitizeStaleAsync(held, Ct);
        Assert.Equal([new StaleRun(oldPlanned, "planned", "skipped", planned[0].Reason)], planned);
        Assert.Contains("PLANNED_TTL_MIN=30", planned[0].Reason, StringComparison.Ordinal);

        var deadHeartbeat = await db.InsertRunAsync("test_process", "running", "20 minutes", "6 minutes");
        Assert.Single(await journal.SanitizeStaleAsync(held, Ct), r => r.RunId == deadHeartbeat && r.Reason.Contains("HEARTBEAT_TTL_MIN=5", StringComparison.Ordinal));

        var tooLong = await db.InsertRunAsync("test_process", "running", "6 hours 1 minute", "10 seconds");
        Assert.Single(await journal.SanitizeStaleAsync(held, Ct), r => r.RunId == tooLong && r.Reason.Contains("MAX_RUN_HOURS=6", StringComparison.Ordinal));

        var noHeartbeat = await db.InsertRunAsync("test_process", "running", "6 minutes");
        Assert.Single(await journal.SanitizeStaleAsync(held, Ct), r => r.RunId == noHeartbeat && r.Reason.Contains("never", StringComparison.Ordinal));

        var live = await db.InsertRunAsync("test_process", "running", "5 hours", "4 minutes");
        Assert.Empty(await journal.SanitizeStaleAsync(held, Ct));
        await db.CloseRunAsync(live);
        await db.InsertRunAsync("test_process", "planned", "29 minutes");
        Assert.Empty(await journal.SanitizeStaleAsync(held, Ct));

        var rows = await db.QueryAsync($"SELECT id, status, ts_end IS NOT NULL, details->>'error_kind' FROM {db.Tables.Journal} ORDER BY id",
            r => (r.GetInt64(0), r.GetString(1), r.GetBoolean(2), r.IsDBNull(3) ? null : r.GetString(3)));
        Assert.Equal((oldPlanned, "skipped", true, "stale"), rows[0]);
        Assert.Equal((otherStale, "running", false, null), rows[1]);
        Assert.Equal((deadHeartbeat, "error", true, "stale"), rows[2]);
        Assert.Equal((tooLong, "error", true, "stale"), rows[3]);
        Assert.Equal((noHeartbeat, "error", true, "stale"), rows[4]);
        Assert.Equal(("planned", false), (rows[6].Item2, rows[6].Item3));
    }

    [Fact]
    public async Task Sanitize_never_touches_the_lock_holders_own_run()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);
        var own = await journal.StartAsync(held, Hour, [], Ct);
        await db.ExecuteAsync($"UPDATE {db.Tables.Journal} SET ts_start = now() - interval '7 hours', details = details || '{{\"heartbeat_ts\": \"2000-01-01T00:00:00Z\"}}' WHERE id = {own}");

        Assert.Empty(await journal.SanitizeStaleAsync(held, Ct));
        Assert.Equal("running", await db.ScalarAsync<string>($"SELECT status FROM {db.Tables.Journal} WHERE id = {own}"));
    }

    [Fact]
    public async Task Run_records_windows_and_finishes_with_its_outcome()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);
        var runId = await journal.StartAsync(held, Hour, ["run", "--since", "2025-08-01"], Ct);

        await journal.RecordWindowAsync(runId, new WindowResult(Hour, 10, 9, 1), Ct);
        await journal.RecordWindowAsync(runId, new WindowResult(Hour with { Since = Hour.Until, Until = Hour.Until.AddHours(1) }, 5, 5, 0), Ct);
        Assert.True(await journal.FinishAsync(runId, RunOutcome.Cancelled, Ct));
        Assert.False(await journal.FinishAsync(runId, RunOutcome.Ok, Ct));

        var row = (await db.QueryAsync(
            $"""
            SELECT status, windows_done, rows_read, rows_written, rows_rejected, window_since, details->>'error_kind',
                   details->'arguments'->>2, (details->'last_window'->>'until')::timestamptz, details->>'pid'
            FROM {db.Tables.Journal} WHERE id = {runId}
            """,
            r => (r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetFieldValue<DateTimeOffset>(5), r.GetString(6),
                r.GetString(7), r.GetFieldValue<DateTimeOffset>(8), r.GetString(9))))[0];
        Assert.Equal(("error", 2, 15L, 14L, 1L, Hour.Since, "cancelled", "2025-08-01", Hour.Until.AddHours(1), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), row);
    }

    [Fact]
    public async Task Recording_a_window_on_a_row_someone_closed_tells_the_run_to_stop()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);
        var runId = await journal.StartAsync(held, null, [], Ct);
        await db.CloseRunAsync(runId);

        var error = await Assert.ThrowsAsync<JournalException>(() => journal.RecordWindowAsync(runId, new WindowResult(Hour, 1, 1, 0), Ct));
        Assert.Contains($"run {runId} is no longer 'running'", error.Message, StringComparison.Ordinal);
    }
}
