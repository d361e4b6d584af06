using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

/// <summary>
/// The committed windows against a real PostgreSQL: a run reopens a window before it writes it, so a window being
/// replaced stops counting as committed (for backfill) and shows as a hole (for health) until the run commits it again.
/// </summary>
public sealed class CommittedWindowsTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Day = new(2025, 7, 31, 19, 0, 0, TimeSpan.Zero); // 2025-08-01 00:00 Almaty

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Window Hours(int from, int to) => new(Day.AddHours(from), Day.AddHours(to));

    [Fact]
    public async Task Reopening_an_hour_of_a_committed_day_keeps_the_rest_of_the_day_committed_and_leaves_exactly_that_hole()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);
        var runId = await journal.StartAsync(held, Hours(0, 24), [], Ct);
        await journal.RecordWindowAsync(runId, new WindowResult(Hours(0, 24), 100, 90, 10), Ct);
        await db.ExecuteAsync($"INSERT INTO {db.Tables.Committed} (process_name, window_since, window_until, run_id, rows_written) VALUES ('other', '{Day:O}', '{Day.AddHours(24):O}', 1, 5)");

        await journal.ReopenWindowAsync(Hours(10, 11), Ct);

        var rows = await db.QueryAsync($"SELECT window_since, window_until, run_id, rows_written FROM {db.Tables.Committed} WHERE process_name = 'test_process' ORDER BY window_since",
            r => (r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1), r.GetInt64(2), r.GetInt64(3)));
        Assert.Equal([(Day, Day.AddHours(10), runId, 90L), (Day.AddHours(11), Day.AddHours(24), runId, 90L)], rows);
        Assert.Equal([Hours(10, 11)], await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(24), Ct));
        var committed = await CommittedWindows.ReadAsync(db.Settings, Hours(0, 24), Ct);
        Assert.False(committed.Covers(Hours(10, 11)));
        Assert.True(committed.Covers(Hours(11, 12)));
        Assert.True(committed.Covers(Hours(0, 10)));
        Assert.Empty(await CommittedWindows.GapsAsync(db.For("other"), Day.AddHours(24), Ct));

        // the run commits the hour again: no hole left
        await journal.RecordWindowAsync(runId, new WindowResult(Hours(10, 11), 4, 4, 0), Ct);
        Assert.Empty(await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(24), Ct));
        Assert.True((await CommittedWindows.ReadAsync(db.Settings, Hours(0, 24), Ct)).Covers(Hours(0, 24)));
    }

    [Fact]
    public async Task Reopening_a_window_across_committed_windows_of_another_step_trims_both_and_a_window_never_committed_changes_nothing()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);
        var runId = await journal.StartAsync(held, Hours(0, 4), [], Ct);
        foreach (var hour in Enumerable.Range(0, 4))
        {
            await journal.RecordWindowAsync(runId, new WindowResult(Hours(hour, hour + 1), 1, 1, 0), Ct);
        }

        // a 90-minute window from 01:30 (another STEP_MIN's grid) cuts the hours 1 and 2
        await journal.ReopenWindowAsync(new Window(Day.AddMinutes(90), Day.AddMinutes(180)), Ct);
        await journal.ReopenWindowAsync(Hours(30, 31), Ct);

        var rows = await db.QueryAsync($"SELECT window_since, window_until FROM {db.Tables.Committed} ORDER BY window_since",
            r => new Window(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1)));
        Assert.Equal([Hours(0, 1), new Window(Day.AddHours(1), Day.AddMinutes(90)), Hours(3, 4)], rows);
        Assert.Equal([new Window(Day.AddMinutes(90), Day.AddHours(3))], await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(4), Ct));
    }

    [Fact]
    public async Task Gaps_run_from_the_first_committed_window_to_the_given_end_and_none_without_any_commit()
    {
        var db = await JournalDb.CreateAsync(postgres);
        Assert.Empty(await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(24), Ct));
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);
        var runId = await journal.StartAsync(held, Hours(2, 8), [], Ct);
        await journal.RecordWindowAsync(runId, new WindowResult(Hours(2, 3), 1, 1, 0), Ct);
        await journal.RecordWindowAsync(runId, new WindowResult(Hours(5, 6), 1, 1, 0), Ct);
        await journal.RecordWindowAsync(runId, new WindowResult(Hours(6, 7), 1, 1, 0), Ct);

        Assert.Equal([Hours(3, 5), Hours(7, 8)], await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(8), Ct));
        Assert.Equal([Hours(3, 5)], await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(7), Ct));
        Assert.Equal([Hours(3, 4)], await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(4), Ct));
        Assert.Empty(await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(3), Ct));
    }

    [Fact]
    public async Task Reopening_the_first_window_ever_committed_is_a_hole_from_where_its_run_began()
    {
        var db = await JournalDb.CreateAsync(postgres);
        await using var held = await RunLock.AcquireAsync(db.Settings, Ct);
        var journal = new RunJournal(db.Settings);
        var runId = await journal.StartAsync(held, Hours(2, 4), [], Ct);
        await journal.RecordWindowAsync(runId, new WindowResult(Hours(2, 3), 1, 1, 0), Ct);
        await journal.RecordWindowAsync(runId, new WindowResult(Hours(3, 4), 1, 1, 0), Ct);
        await journal.FinishAsync(runId, RunOutcome.Ok, Ct);
        var failedEarlier = await journal.StartAsync(held, Hours(0, 1), [], Ct); // committed nothing: not where the process began
        await journal.FinishAsync(failedEarlier, RunOutcome.Failed("phoenix", "down"), Ct);

        await journal.ReopenWindowAsync(Hours(2, 3), Ct);

        Assert.Equal([Hours(2, 3)], await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(4), Ct));
        await journal.ReopenWindowAsync(Hours(3, 4), Ct);
        Assert.Equal([Hours(2, 5)], await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(5), Ct));
        Assert.NotEqual(runId, failedEarlier);

        // a health check of a new binary before any run applied the committed windows' migration: no holes claimed
        await db.ExecuteAsync($"DROP TABLE {db.Tables.Committed}");
        Assert.Empty(await CommittedWindows.GapsAsync(db.Settings, Day.AddHours(5), Ct));
    }
}
