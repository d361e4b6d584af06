using System.Runtime.CompilerServices;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using Serilog;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// Reads one window at a time from the Phoenix Query Server over Avatica protobuf. One connection per client
/// (a client-chosen UUID), re-opened by itself after a loss. Failures before the first row of a window that
/// are transient (connection refused, HTTP 502-504, timeouts) or a lost session are retried with backoff
/// (PQS_RETRIES) on a fresh connection; once rows have flowed a failure ends the window with a
/// <see cref="PhoenixException"/> and the caller re-runs the window from its start (also when the failed
/// request was a Fetch sent ahead while the previous frame was consumed). Not thread-safe, and one call at a
/// time: rows are decoded from the client's reply buffers, so finish (or abandon) a window before the next call.
/// </summary>
public sealed class PhoenixClient : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);
    private static readonly FrameDecoder PlanDecoder = new(["PLAN"], [ColumnKind.String]);

    private readonly PhoenixSettings _settings;
    private readonly AvaticaTransport _transport;
    private readonly PhoenixSession _session;
    private readonly FrameDecoder _decoder = FrameDecoder.ForSource();
    private readonly int[] _expectedTypeIds;
    private readonly ReplyBuffer[] _frameBuffers = [new(), new()];

    public PhoenixClient(PhoenixSettings settings, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _transport = new AvaticaTransport(settings, handler);
        _session = new PhoenixSession(_transport);
        _expectedTypeIds = SqlTypes.ExpectedFor(settings.TsUnits, settings.TsColumn);
    }

    /// <summary>The first retry waits this long, each further one twice as long.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Opens the connection now (otherwise the first read does), so a bad PQS_URL fails early.</summary>
    public async Task OpenAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _session.EnsureOpenAsync(ct);
                return;
            }
            catch (PhoenixException e) when (attempt < _settings.Retries && e.IsTransient)
            {
                await BackOffAsync(e, attempt, ct);
            }
        }
    }

    /// <summary>The window SQL as sent, with its bounds shown (for --dry-run and logs).</summary>
    public string DescribeWindowQuery(DateTimeOffset since, DateTimeOffset until) => WindowQuery.Build(_settings, since, until).Description;

    /// <summary>
    /// The rows of <c>[since, until)</c>, decoded in <see cref="Columns.Source"/> order, streamed frame by frame. Every
    /// step yields the same <see cref="WireRow"/>, refilled: use a row before taking the next (or keep
    /// <see cref="WireRow.ToSourceRow"/>). Throws <see cref="PhoenixSessionLostException"/> or <see cref="PhoenixException"/>;
    /// either way re-run the window.
    /// </summary>
    public IAsyncEnumerable<WireRow> ReadWindowAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) =>
        ReadAsync(WindowQuery.Build(_settings, since, until), _decoder, _expectedTypeIds, ct);

    /// <summary>
    /// EXPLAIN of the window query (same SQL, bounds written as literals so no bind support is needed for EXPLAIN).
    /// Logs a warning when Phoenix would scan the full table.
    /// </summary>
    public async Task<ExplainPlan> ExplainAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        var lines = new List<string>();
        var query = WindowQuery.Build(_settings with { BindMode = BindMode.Literal }, since, until).Explain();
        await foreach (var row in ReadAsync(query, PlanDecoder, null, ct))
        {
            if (!row.IsNull(0))
            {
                lines.Add(WireUtf8.Decode(row.Utf8(0)));
            }
        }

        var plan = new ExplainPlan(string.Join('\n', lines));
        if (plan.IsFullScan)
        {
            Log.Warning("Phoenix plans a FULL SCAN of {Table} for every window (filter on {TsColumn}, not on the leading key): {Plan}",
                _settings.Table.ToString(), _settings.TsColumn.Name, plan.Text);
        }

        return plan;
    }

    public async ValueTask DisposeAsync()
    {
        await _session.ResetAsync();
        _transport.Dispose();
    }

    private async IAsyncEnumerable<WireRow> ReadAsync(WindowQuery query, FrameDecoder decoder, int[]? expectedTypeIds,
        [EnumeratorCancellation] CancellationToken ct)
    {
        Log.Debug("Phoenix query {Query}", query.Description);
        var cursor = await AdvanceAsync(null, query, decoder, expectedTypeIds, rowsFlowed: false, ct);
        long rows = 0;
        var row = new WireRow(decoder.ColumnCount);
        try
        {
            while (true)
            {
                while (cursor.TryReadRow(row))
                {
                    rows++;
                    yield return row;
                }

                if (cursor.Done)
                {
                    break;
                }

                cursor = await AdvanceAsync(cursor, query, decoder, expectedTypeIds, rows > 0, ct);
            }
        }
        finally
        {
            await cursor.StopFetchingAsync();
            if (_session.ConnectionId == cursor.ConnectionId)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await cursor.CloseAsync(timeout.Token);
            }
        }
    }

    /// <summary>Executes (cursor null) or fetches the next frame; before any row has flowed, retries on a fresh connection.</summary>
    private async Task<ResultCursor> AdvanceAsync(ResultCursor? cursor, WindowQuery query, FrameDecoder decoder,
        int[]? expectedTypeIds, bool rowsFlowed, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (cursor is null)
                {
                    var connectionId = await _session.EnsureOpenAsync(ct);
                    return await ResultCursor.ExecuteAsync(_transport, connectionId, query, decoder, expectedTypeIds, _settings.FetchSize, _frameBuffers, ct);
                }

                await cursor.FetchAsync(ct);
                return cursor;
            }
            catch (PhoenixException e) when (!rowsFlowed && attempt < _settings.Retries && (e.IsTransient || e is PhoenixSessionLostException))
            {
                await _session.ResetAsync();
                cursor = null;
                await BackOffAsync(e, attempt, ct);
            }
            catch (Exception e) when (e is PhoenixException or OperationCanceledException)
            {
                // The cursor's state on the server is unknown: the next window starts on a fresh connection.
                await _session.ResetAsync();
                throw;
            }
        }
    }

    private async Task BackOffAsync(PhoenixException e, int attempt, CancellationToken ct)
    {
        var delay = TimeSpan.FromTicks((long)Math.Min(RetryDelay.Ticks * Math.Pow(2, attempt), MaxRetryDelay.Ticks));
        Log.Warning("Phoenix {Operation} failed before the first row ({Error}); retry {Attempt} of {Retries} in {Delay}",
            e.Operation, e.Detail, attempt + 1, _settings.Retries, delay);
        await Task.Delay(delay, ct);
    }
}
