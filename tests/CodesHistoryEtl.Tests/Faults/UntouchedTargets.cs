using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// One pipeline shared by the bad-input cases (each must leave it untouched, so sharing it also proves that):
/// no table in its PostgreSQL database, none in its ClickHouse database, nothing in its export directory.
/// </summary>
public sealed class UntouchedTargets(PostgresFixture postgres, ClickHouseFixture clickHouse) : IAsyncLifetime
{
    private Pipeline? _pipeline;

    public Pipeline Pipeline => _pipeline ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _pipeline = await Pipeline.StartAsync(postgres, clickHouse, []);

    /// <summary>Bad input is refused before anything is opened: not even the journal's schema (<paramref name="what"/> names the input).</summary>
    public async Task AssertNothingWrittenAsync(string what)
    {
        await FaultEndings.AssertNoPostgresTablesAsync(Pipeline, what);
        await FaultEndings.AssertNothingWrittenAsync(Pipeline, clickHouse, what);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }
    }
}
