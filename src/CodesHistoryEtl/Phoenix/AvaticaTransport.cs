using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// The one send path to the Phoenix Query Server: POST a <c>WireMessage</c>, read the reply, and turn every
/// failure (network, timeout, HTTP status, ErrorResponse, unexpected reply) into a <see cref="PhoenixException"/>.
/// A reply is read into a <see cref="ReplyBuffer"/> (the transport's own unless the caller passes one) and stays
/// valid until the next call into that buffer; calls into different buffers may run at the same time.
/// </summary>
internal sealed class AvaticaTransport : IDisposable
{
    private const string RequestPrefix = "org.apache.calcite.avatica.proto.Requests$";
    private const string ResponsePrefix = "org.apache.calcite.avatica.proto.Responses$";
    private static readonly MediaTypeHeaderValue Protobuf = new("application/octet-stream");

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly TimeSpan _timeout;
    private readonly ReplyBuffer _replies = new();

    public AvaticaTransport(PhoenixSettings settings, HttpMessageHandler? handler = null)
    {
        _url = settings.Url;
        _timeout = TimeSpan.FromSeconds(settings.TimeoutSec);
        handler ??= new SocketsHttpHandler
        {
            // Sticky load balancers pin the session with a cookie.
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        // The timeout covers request and body together (see SendAsync), not just the headers.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(settings.User))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.User + ":" + settings.Password));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
    }

    /// <summary>Where the server is, without any credentials, for messages.</summary>
    public string Endpoint => $"{_url.Scheme}://{_url.Host}:{_url.Port}";

    /// <summary>
    /// Sends <paramref name="request"/> and returns the wrapped bytes of the expected response
    /// (<c>Responses$</c> + <paramref name="responseName"/>), read into the transport's own buffer.
    /// </summary>
    public Task<ReadOnlyMemory<byte>> SendAsync(IMessage request, string responseName, string? sql, CancellationToken ct) =>
        SendAsync(request, responseName, sql, _replies, ct);

    /// <summary>As <see cref="SendAsync(IMessage, string, string?, CancellationToken)"/>, the reply read into <paramref name="into"/>.</summary>
    public async Task<ReadOnlyMemory<byte>> SendAsync(IMessage request, string responseName, string? sql, ReplyBuffer into, CancellationToken ct)
    {
        var operation = request.Descriptor.Name.Replace("Request", "", StringComparison.Ordinal);
        var wire = new WireMessage { Name = RequestPrefix + request.Descriptor.Name, WrappedMessage = request.ToByteString() };
        using var post = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(wire.ToByteArray()) };
        post.Content.Headers.ContentType = Protobuf;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        int status;
        ReadOnlyMemory<byte> body;
        try
        {
            // Headers first, then the body straight into the reused buffer (no second copy of a large frame).
            using var response = await _http.SendAsync(post, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = (int)response.StatusCode;
            body = await into.ReadAsync(response.Content, deadline.Token);
        }
        catch (HttpRequestException e)
        {
            throw new PhoenixException(operation, sql, $"cannot reach {Endpoint}: {e.Message}", null, null,
                (int?)e.StatusCode, isTransient: true, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new PhoenixException(operation, sql, $"no answer from {Endpoint} within {_timeout.TotalSeconds:0} s (PQS_TIMEOUT_SEC)",
                null, null, null, isTransient: true, e);
        }

        return Interpret(operation, responseName, sql, status, body);
    }

    private ReadOnlyMemory<byte> Interpret(string operation, string responseName, string? sql, int status, ReadOnlyMemory<byte> body)
    {
        if (status is 502 or 503 or 504)
        {
            throw new PhoenixException(operation, sql, $"{Endpoint} is unavailable", null, null, status, isTransient: true);
        }

        if (status is not (200 or 500))
        {
            var hint = status is 401 or 403 ? "; check PQS_USER and PQS_PASSWORD" : "; check PQS_URL";
            throw new PhoenixException(operation, sql, $"unexpected HTTP status from {Endpoint}{hint}", null, null, status, isTransient: false);
        }

        WireReply reply;
        try
        {
            reply = WireReply.Parse(body.Span);
        }
        catch (InvalidDataException e)
        {
            throw new PhoenixException(operation, sql, $"the reply is not an Avatica protobuf message ({e.Message}); is PQS_URL a Phoenix Query Server with protobuf serialization?",
                null, null, status, isTransient: false, e);
        }

        if (reply.Name == ResponsePrefix + nameof(ErrorResponse))
        {
            throw ErrorFrom(operation, sql, status, body[reply.PayloadStart..(reply.PayloadStart + reply.PayloadLength)]);
        }

        if (status != 200 || reply.Name != ResponsePrefix + responseName)
        {
            throw new PhoenixException(operation, sql, $"expected {responseName} but got '{reply.Name}'", null, null, status, isTransient: false);
        }

        return body.Slice(reply.PayloadStart, reply.PayloadLength);
    }

    private static PhoenixException ErrorFrom(string operation, string? sql, int status, ReadOnlyMemory<byte> payload)
    {
        var error = ErrorResponse.Parser.ParseFrom(payload.Span);
        var code = (long)(int)error.ErrorCode;
        var firstException = error.Exceptions.Count > 0 ? error.Exceptions[0].Split('\n', 2)[0].Trim() : "";
        var message = error.ErrorMessage.Length > 0 ? error.ErrorMessage : firstException;
        if (code == 1 || firstException.StartsWith("org.apache.calcite.avatica.NoSuchConnectionException", StringComparison.Ordinal))
        {
            return new PhoenixSessionLostException(operation, sql, $"the server does not know the connection ({message})", code);
        }

        return new PhoenixException(operation, sql, message.Length > 0 ? message : "the server reported an error without a message",
            code, error.SqlState, status, isTransient: false);
    }

    public void Dispose() => _http.Dispose();
}
