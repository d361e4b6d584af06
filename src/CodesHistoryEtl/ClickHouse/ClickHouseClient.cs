using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// A small client for ClickHouse's HTTP interface. Every call goes through <see cref="SendAsync"/>, the
/// one place that turns a failure into a <see cref="ClickHouseException"/>. Settings travel as URL
/// parameters, credentials in the X-ClickHouse-User/Key headers (never in the URL or a log line).
/// </summary>
public sealed class ClickHouseClient : IDisposable
{
    private readonly HttpClient _http;
    private ServerInfo? _server;

    public ClickHouseClient(ClickHouseSettings settings, bool gzipInserts = true, HttpMessageHandler? handler = null)
    {
        Settings = settings;
        GzipInserts = gzipInserts;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public ClickHouseSettings Settings { get; }

    /// <summary>Whether insert bodies are sent gzip-compressed (Content-Encoding: gzip).</summary>
    public bool GzipInserts { get; }

    /// <summary>scheme://host:port of the server, safe to log (no user info).</summary>
    public string Endpoint => $"{Settings.Url.Scheme}://{Settings.Url.Host}:{Settings.Url.Port}";

    public TimeSpan CallTimeout => TimeSpan.FromSeconds(Settings.TimeoutSec);

    /// <summary>Runs one statement and returns the whole body. An exception after a 200 status is still an exception.</summary>
    public async Task<string> QueryAsync(string operation, string sql, IReadOnlyDictionary<string, string>? settings, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(CallTimeout);
        using var response = await SendAsync(operation, sql, null, WithWaitEndOfQuery(settings), timer, ct).ConfigureAwait(false);
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(timer.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new ClickHouseException(operation, sql, null, (int)response.StatusCode, "the answer broke off: " + e.Message, e);
        }

        return ServerError.ParseTrailer(body) is { } error
            ? throw new ClickHouseException(operation, sql, error.Code, (int)response.StatusCode, error.Message)
            : body;
    }

    public Task ExecuteAsync(string operation, string sql, CancellationToken ct) => QueryAsync(operation, sql, null, ct);

    /// <summary>Sends ready-made RowBinary rows for <paramref name="insertSql"/> (INSERT ... FORMAT RowBinary).</summary>
    public async Task InsertAsync(string operation, string insertSql, ReadOnlyMemory<byte> rows, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(CallTimeout);
        using var content = new ReadOnlyMemoryContent(rows);
        using var response = await SendAsync(operation, insertSql, content, null, timer, ct).ConfigureAwait(false);
    }

    /// <summary>Runs a query that returns one integer.</summary>
    public async Task<long> QueryLongAsync(string operation, string sql, CancellationToken ct) =>
        (await QueryLongsAsync(operation, sql, 1, ct).ConfigureAwait(false))[0];

    /// <summary>Runs a query that returns one row of <paramref name="count"/> integers (TabSeparated).</summary>
    public async Task<long[]> QueryLongsAsync(string operation, string sql, int count, CancellationToken ct)
    {
        var text = (await QueryAsync(operation, sql, null, ct).ConfigureAwait(false)).Trim();
        var fields = text.Split('\t');
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            if (fields.Length != count || !long.TryParse(fields[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new ClickHouseException(operation, sql, null, 200, $"expected {(count == 1 ? "one integer" : $"{count} integers")}, got '{text}'");
            }
        }

        return values;
    }

    /// <summary>The server's version and the optional settings it knows (asked once, then cached).</summary>
    public async Task<ServerInfo> GetServerInfoAsync(CancellationToken ct)
    {
        if (_server is not null)
        {
            return _server;
        }

        var versionText = await QueryAsync("detect server version", "SELECT version()", null, ct).ConfigureAwait(false);
        var names = string.Join(", ", ServerInfo.OptionalSettings.Select(n => $"'{n}'"));
        var known = await QueryAsync("detect server settings", $"SELECT name FROM system.settings WHERE name IN ({names})", null, ct).ConfigureAwait(false);
        _server = new ServerInfo(ServerVersion.Parse(versionText), known.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));
        Log.Debug("ClickHouse server {Version} at {Host}", _server.Version, Endpoint);
        return _server;
    }

    /// <summary>
    /// The one send path. Without <paramref name="data"/> the SQL is the POST body; with it, the SQL goes
    /// in the <c>query</c> URL parameter and <paramref name="data"/> is streamed as the body. Returns a
    /// successful response (headers read, body not yet); anything else becomes a <see cref="ClickHouseException"/>.
    /// <paramref name="timer"/> bounds the call: when it fires (and <paramref name="ct"/> did not) the call timed out.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(string operation, string sql, HttpContent? data,
        IReadOnlyDictionary<string, string>? settings, CancellationTokenSource timer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BuildUri(data is null ? null : sql, settings))
        {
            Content = data ?? new StringContent(sql, Encoding.UTF8, new MediaTypeHeaderValue("text/plain")),
        };
        request.Headers.Add("X-ClickHouse-User", Settings.User);
        request.Headers.Add("X-ClickHouse-Key", Settings.Password);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        HttpResponseMessage response;
        try
        {
            Log.Verbose("ClickHouse {Operation}: {Sql}", operation, sql);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ClickHouseException(operation, sql, null, null,
                $"no answer within {Settings.TimeoutSec} s (CH_TIMEOUT_SEC) from {Endpoint}", e);
        }
        catch (HttpRequestException e)
        {
            throw new ClickHouseException(operation, sql, null, null,
                $"cannot reach {Endpoint} ({e.Message}); check CH_URL and that the server is up", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            var error = ServerError.Parse(body);
            var code = error?.Code ?? HeaderCode(response);
            var message = error?.Message ?? (body.Length > 0 ? body.Trim() : response.ReasonPhrase ?? "no message");
            throw new ClickHouseException(operation, sql, code, (int)response.StatusCode, message);
        }
    }

    public void Dispose() => _http.Dispose();

    private Uri BuildUri(string? sqlInUrl, IReadOnlyDictionary<string, string>? settings)
    {
        var query = new List<string>();
        if (sqlInUrl is not null)
        {
            query.Add("query=" + Uri.EscapeDataString(sqlInUrl));
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }

        // Credentials never ride in the URL, even when CH_URL carries user:pass@.
        return new UriBuilder(Settings.Url) { UserName = "", Password = "", Query = string.Join('&', query) }.Uri;
    }

    private static Dictionary<string, string> WithWaitEndOfQuery(IReadOnlyDictionary<string, string>? settings)
    {
        // The server buffers the answer, so an error in the middle of a result comes back as a real status.
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["wait_end_of_query"] = "1" };
        return all;
    }

    private static int? HeaderCode(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-ClickHouse-Exception-Code", out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;
}
