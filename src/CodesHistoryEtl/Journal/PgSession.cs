using System.Data.Common;
using CodesHistoryEtl.Config;
using Npgsql;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// One PostgreSQL session and the journal's only send/error path: every command runs through
/// <see cref="RunAsync{T}"/>, which turns any failure into a <see cref="JournalException"/> naming the
/// operation, the SQL and the SQLSTATE, with the password scrubbed. Parameters are positional (<c>$1</c>, ...).
/// </summary>
internal sealed class PgSession : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly SecretScrubber _scrubber;

    private PgSession(NpgsqlConnection connection, SecretScrubber scrubber)
    {
        _connection = connection;
        _scrubber = scrubber;
    }

    /// <summary>The server process id of this session (pg_stat_activity.pid).</summary>
    public int BackendPid => _connection.ProcessID;

    /// <param name="dedicated">No pooling: closing the session really ends it (and releases its session locks).</param>
    /// <param name="applicationName">What pg_stat_activity shows for this session instead of the DSN's application_name.</param>
    public static async Task<PgSession> OpenAsync(PostgresDsn dsn, string operation, bool dedicated, CancellationToken ct, string? applicationName = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(dsn.ConnectionString);
        if (dedicated)
        {
            builder.Pooling = false;
        }

        if (applicationName is not null)
        {
            builder.ApplicationName = applicationName;
        }

        var scrubber = new SecretScrubber(dsn);
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return new PgSession(connection, scrubber);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw Wrap($"{operation}: connect to {dsn.Display}", null, e, scrubber);
        }
    }

    /// <summary>
    /// Drops the idle pooled connections to <paramref name="dsn"/>: after the server terminated them (restart,
    /// pg_terminate_backend, a cut network) each would fail its next command once.
    /// </summary>
    public static void ClearPool(PostgresDsn dsn)
    {
        using var connection = new NpgsqlConnection(dsn.ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    public Task<int> ExecuteAsync(string operation, string sql, CancellationToken ct, params object?[] args) =>
        RunAsync(operation, sql, args, (command, token) => command.ExecuteNonQueryAsync(token), ct);

    public Task<List<T>> QueryAsync<T>(string operation, string sql, Func<DbDataReader, T> map, CancellationToken ct, params object?[] args) =>
        RunAsync(operation, sql, args, async (command, token) =>
        {
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                rows.Add(map(reader));
            }

            return rows;
        }, ct);

    /// <summary>Runs <paramref name="body"/> in one transaction: committed if it returns, rolled back if it throws.</summary>
    public async Task<T> InTransactionAsync<T>(string operation, Func<Task<T>> body, CancellationToken ct)
    {
        await RunAsync(operation, "BEGIN", [], (c, t) => c.ExecuteNonQueryAsync(t), ct);
        T result;
        try
        {
            result = await body();
        }
        catch
        {
            await TryRollbackAsync();
            throw;
        }

        await RunAsync(operation, "COMMIT", [], (c, t) => c.ExecuteNonQueryAsync(t), ct);
        return result;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task TryRollbackAsync()
    {
        try
        {
            if (_connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", _connection);
                await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The original failure is what matters; a session that cannot roll back is closed, which discards the transaction.
        }
    }

    private async Task<T> RunAsync<T>(string operation, string sql, object?[] args, Func<NpgsqlCommand, CancellationToken, Task<T>> run, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Normalize(arg) });
        }

        try
        {
            return await run(command, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            throw Wrap(operation, sql, e, _scrubber);
        }
    }

    private static object Normalize(object? arg) => arg switch
    {
        null => DBNull.Value,
        DateTimeOffset t => t.ToUniversalTime(),
        _ => arg,
    };

    private static JournalException Wrap(string operation, string? sql, Exception e, SecretScrubber scrubber)
    {
        var (state, message) = e is PostgresException pg
            ? (pg.SqlState, pg.MessageText + (pg.Detail is null ? "" : " (" + pg.Detail + ")"))
            : ((e as NpgsqlException)?.SqlState, e.Message + (e.InnerException is null ? "" : " (" + e.InnerException.Message + ")"));
        return new JournalException(operation, sql, state, scrubber.Scrub(message), e);
    }
}
