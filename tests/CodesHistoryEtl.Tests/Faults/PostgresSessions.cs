using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// Reaching into the pipeline's own PostgreSQL database from the test: one query, cutting the etl's sessions off
/// (an outage the test can aim), and waiting for a dead run's sessions to end. Each query opens an unpooled
/// connection, so a session the test terminates is never one it reuses.
/// </summary>
internal static class PostgresSessions
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs SQL on the pipeline's own PostgreSQL database and returns the first column of the first row.</summary>
    public static async Task<T> ScalarAsync<T>(Pipeline pipeline, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pipeline.Journal.Dsn.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>
    /// Terminates the backends on the pipeline's database that match <paramref name="condition"/> (SQL on
    /// pg_stat_activity), waiting until at least one matches; the test's own pooled sessions there go too, so
    /// its pool is cleared. Returns how many were terminated.
    /// </summary>
    public static async Task<long> TerminateAsync(Pipeline pipeline, string condition)
    {
        var sql = "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity " +
                  $"WHERE datname = current_database() AND pid <> pg_backend_pid() AND ({condition})) t";
        long terminated;
        for (var i = 0; (terminated = await ScalarAsync<long>(pipeline, sql)) == 0; i++)
        {
            Assert.True(i < 200, $"no backend matched {condition} within 20 s");
            await Task.Delay(100, Ct);
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(pipeline.Journal.Dsn.ConnectionString));
        return terminated;
    }

    /// <summary>
    /// A killed process's PostgreSQL backends end when the server reads the closed socket: wait for that (the
    /// advisory lock goes with them) so the rerun is not told 'busy' by a backend about to exit.
    /// </summary>
    public static async Task WaitUntilNoLockAsync(Pipeline pipeline)
    {
        const string sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted " +
                           "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
        for (var i = 0; await ScalarAsync<long>(pipeline, sql) > 0; i++)
        {
            Assert.True(i < 200, "the dead run's advisory lock was not released within 20 s");
            await Task.Delay(100, Ct);
        }
    }
}
