using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

[Collection(LogCaptureCollection.Name)]
public sealed class SecretsTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_postgres_password_is_in_no_log_event_exception_or_journal_row()
    {
        using var logs = LogCapture.Start();
        var db = await JournalDb.CreateAsync(postgres);
        var password = db.Password;
        Assert.True(password.Length >= 6, "the test DSN must carry a real password for this test to mean anything");
        var process = "secret_" + Guid.NewGuid().ToString("N")[..8];
        var settings = db.For(process);
        var errors = new List<Exception>();

        await using (var held = await RunLock.AcquireAsync(settings, Ct))
        {
            var journal = new RunJournal(settings);
            var runId = await journal.StartAsync(held, null, ["run", "--dsn", db.UriDsn], Ct);
            errors.Add(await Assert.ThrowsAsync<RunBusyException>(() => RunLock.AcquireAsync(settings, Ct)));
            errors.Add(await Assert.ThrowsAsync<JournalException>(() => journal.StartAsync(held, null, [], Ct)));
            await journal.RecordWindowAsync(runId, new WindowResult(new Window(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1)), 1, 1, 0), Ct);
            Assert.True(await journal.FinishAsync(runId, RunOutcome.Failed("test", "could not use " + db.UriDsn + " / " + settings.Dsn.ConnectionString), Ct));
        }

        var unreachable = settings with { Dsn = PostgresDsn.Parse("PG_DSN", $"postgresql://etl:{password}@127.0.0.1:1/x?connect_timeout=1") };
        errors.Add(await Assert.ThrowsAsync<JournalException>(() => RunLock.AcquireAsync(unreachable, Ct)));
        errors.Add(await Assert.ThrowsAsync<JournalException>(() => new WatermarkStore(unreachable).GetAsync(process, Ct)));
        await using (var heartbeat = Heartbeat.Start(unreachable, 1, () => RunProgress.None, new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300))))
        {
            await JournalDb.EventuallyAsync(() => Task.FromResult(heartbeat.Lost.IsCancellationRequested), "heartbeat lost");
        }

        Assert.All(errors, e => Assert.DoesNotContain(password, e.ToString(), StringComparison.Ordinal));
        var rows = await db.QueryAsync($"SELECT t::text FROM {db.Tables.Journal} t", r => r.GetString(0));
        Assert.Contains(rows, r => r.Contains(SecretScrubber.Mask, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain(password, r, StringComparison.Ordinal));
        Assert.Contains(logs.Events, e => e.Contains(process, StringComparison.Ordinal) && e.Contains("busy", StringComparison.Ordinal));
        Assert.Contains(logs.Events, e => e.Contains("Heartbeat of run 1 lost", StringComparison.Ordinal));
        Assert.All(logs.Events, e => Assert.DoesNotContain(password, e, StringComparison.Ordinal));
    }
}
