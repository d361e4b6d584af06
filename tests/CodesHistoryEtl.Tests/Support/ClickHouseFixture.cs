using System.Net.Http.Headers;
using System.Text;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// The local ClickHouse (with the one-shard cluster <c>shardless</c>), probed once per test run.
/// <see cref="QueryAsync"/> is a plain HTTP call, independent of the product's client, for checking what landed.
/// Each test takes its own database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class ClickHouseFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private readonly List<string> _databases = [];
    private string? _unavailable;

    public Uri Url { get; private set; } = new("http://127.0.0.1:8123");

    public string User { get; private set; } = "default";

    public string Password { get; private set; } = "";

    public string Cluster => TestServers.Get("CH_CLUSTER_NAME") ?? "shardless";

    public string Version { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (TestServers.Get("CH_URL") is not { } url)
        {
            _unavailable = "no CH_URL in .services/services.env";
            return;
        }

        Url = new Uri(url);
        User = TestServers.Get("CH_USER") ?? "default";
        Password = TestServers.Get("CH_PASSWORD") ?? "";
        try
        {
            Version = (await QueryAsync("SELECT version()")).Trim();
        }
        catch (HttpRequestException e)
        {
            _unavailable = e.Message;
        }
    }

    /// <summary>A fixture for another server (a test's own <see cref="PrivateClickHouse"/>), probed now.</summary>
    public static async Task<ClickHouseFixture> ConnectAsync(Uri url, string user, string password)
    {
        var fixture = new ClickHouseFixture { Url = url, User = user, Password = password };
        fixture.Version = (await fixture.QueryAsync("SELECT version()")).Trim();
        return fixture;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            try
            {
                await QueryAsync($"DROP DATABASE IF EXISTS {database}");
            }
            catch (HttpRequestException)
            {
                // best effort: a server stopped by a fault test leaves its databases behind
            }
        }

        _http.Dispose();
    }

    public void Require()
    {
        if (_unavailable is not null)
        {
            TestServers.Unavailable("ClickHouse", _unavailable);
        }
    }

    /// <summary>A unique database name, created now and dropped at the end of the run.</summary>
    public async Task<string> CreateDatabaseAsync(bool onCluster = false)
    {
        var name = ReserveDatabaseName();
        await QueryAsync(onCluster ? $"CREATE DATABASE {name} ON CLUSTER {Cluster}" : $"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>A unique database name for the code under test to create (migrations do); dropped at the end of the run.</summary>
    public string ReserveDatabaseName()
    {
        Require();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        _databases.Add(name);
        return name;
    }

    /// <summary>
    /// Runs one statement and returns the body (TabSeparated unless the SQL says otherwise). With a
    /// <paramref name="body"/>, the SQL goes in the URL and the body is the data; <paramref name="settings"/>
    /// are URL parameters such as <c>insert_distributed_sync=1</c>.
    /// </summary>
    public async Task<string> QueryAsync(string sql, string? body = null, string? settings = null)
    {
        var query = body is null ? "" : "query=" + Uri.EscapeDataString(sql);
        var url = new Uri(Url, "?" + string.Join('&', new[] { query, settings }.Where(p => !string.IsNullOrEmpty(p))));
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body ?? sql, Encoding.UTF8),
        };
        request.Headers.Add("X-ClickHouse-User", User);
        request.Headers.Add("X-ClickHouse-Key", Password);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return response.IsSuccessStatusCode ? text : throw new HttpRequestException($"ClickHouse {(int)response.StatusCode}: {text}");
    }
}
