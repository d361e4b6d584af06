using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// Holds a running etl at a known point: an EXCLUSIVE lock on the watermark table (reads pass, writes wait),
/// so the run blocks when it advances the watermark after its first committed window. The test acts while
/// the run waits (<see cref="WaitUntilBlockedAsync"/> observes the waiting lock in pg_locks), then releases.
/// Needs the schema: run <c>etl --migrate-only</c> first.
/// </summary>
internal sealed class WatermarkGate : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _table;
    private NpgsqlTransaction? _transaction;

    private WatermarkGate(NpgsqlConnection connection, string table)
    {
        _connection = connection;
        _table = table;
    }

    public static async Task<WatermarkGate> CloseAsync(Pipeline pipeline)
    {
        var connection = new NpgsqlConnection(PostgresFixture.ToConnectionString(pipeline.PgDsn));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var gate = new WatermarkGate(connection, JournalTables.For(pipeline.Journal.Table).Watermark);
        gate._transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"LOCK TABLE {gate._table} IN EXCLUSIVE MODE", connection, gate._transaction);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return gate;
    }

    /// <summary>Waits until another session waits for the lock (the run has committed a window and wants to advance the watermark).</summary>
    public async Task WaitUntilBlockedAsync(EtlProcess process, Task exited)
    {
        const string sql = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass(@table)";
        for (var i = 0; i < 1200; i++)
        {
            await using var command = new NpgsqlCommand(sql, _connection, _transaction);
            command.Parameters.AddWithValue("table", _table);
            if ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 0)
            {
                return;
            }

            Assert.False(exited.IsCompleted, "etl exited before reaching the watermark gate: " + process.Stderr);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail("etl never waited at the watermark gate: " + process.Stderr);
    }

    public async Task OpenAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.RollbackAsync(TestContext.Current.CancellationToken);
            await _transaction.DisposeAsync();
            _transaction = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await OpenAsync();
        await _connection.DisposeAsync();
    }
}
