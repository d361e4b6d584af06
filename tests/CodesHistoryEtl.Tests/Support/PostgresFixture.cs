using Npgsql;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// The local PostgreSQL, probed once per test run. Each test takes its own fresh database
/// from <see cref="CreateDatabaseAsync"/>, so tests never see each other's rows; they are dropped at the end.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private string? _unavailable;

    /// <summary>The DSN of the server's default database, as URI (holds the test password).</summary>
    public string AdminDsn { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var dsn = TestServers.Get("PG_DSN");
        if (dsn is null)
        {
            _unavailable = "no PG_DSN in .services/services.env";
            return;
        }

        AdminDsn = dsn;
        try
        {
            await using var connection = new NpgsqlConnection(ToConnectionString(dsn));
            await connection.OpenAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            _unavailable = e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_databases.Count == 0)
        {
            return;
        }

        try
        {
            await using var connection = new NpgsqlConnection(ToConnectionString(AdminDsn));
            await connection.OpenAsync();
            foreach (var name in _databases)
            {
                // FORCE: sessions the product's pools still hold would block the drop
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // best effort: a server stopped by a fault test leaves its databases behind
        }
    }

    /// <summary>Creates an empty database for one test and returns its URI DSN (same user and password).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        Require();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(ToConnectionString(AdminDsn)))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        _databases.Add(name);
        var uri = new UriBuilder(AdminDsn) { Path = "/" + name };
        return uri.Uri.ToString();
    }

    public void Require()
    {
        if (_unavailable is not null)
        {
            TestServers.Unavailable("PostgreSQL", _unavailable);
        }
    }

    /// <summary>Npgsql form of a URI DSN, for test-side checks that bypass the product code.</summary>
    public static string ToConnectionString(string uriDsn)
    {
        var uri = new Uri(uriDsn);
        var user = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port,
            Database = uri.AbsolutePath.TrimStart('/'),
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Pooling = false,
        }.ConnectionString;
    }
}
