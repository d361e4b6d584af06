using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

public sealed class WatermarkStoreTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_upserts_in_random_order_end_at_the_maximum()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var store = new WatermarkStore(db.Settings);
        Assert.Null(await store.GetAsync("test_process", Ct));
        var start = new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);
        var values = Enumerable.Range(0, 40).Select(i => start.AddHours(i)).ToArray();
        Random.Shared.Shuffle(values);

        await Parallel.ForEachAsync(values, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (value, ct) => await store.AdvanceAsync("test_process", value, ct));

        Assert.Equal(start.AddHours(39), await store.GetAsync("test_process", Ct));
        Assert.Null(await store.GetAsync("another_process", Ct));
    }

    [Fact]
    public async Task A_late_writer_never_moves_the_watermark_back()
    {
        var db = await JournalDb.CreateAsync(postgres);
        var store = new WatermarkStore(db.Settings);
        var later = new DateTimeOffset(2025, 8, 2, 5, 0, 0, TimeSpan.FromHours(5));

        Assert.Equal(later, await store.AdvanceAsync("test_process", later, Ct));
        Assert.Equal(later, await store.AdvanceAsync("test_process", later.AddMinutes(-1), Ct));
        Assert.Equal(later, await store.GetAsync("test_process", Ct));
        Assert.Equal(TimeSpan.Zero, (await store.GetAsync("test_process", Ct))!.Value.Offset);
    }
}
