using CodesHistoryEtl.Phoenix.Proto;
using Serilog;

namespace CodesHistoryEtl.Phoenix;

/// <summary>The one Avatica connection of a run: a client-chosen UUID, opened and synced, re-opened after a loss.</summary>
internal sealed class PhoenixSession(AvaticaTransport transport)
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public string? ConnectionId { get; private set; }

    public async Task<string> EnsureOpenAsync(CancellationToken ct)
    {
        if (ConnectionId is { } open)
        {
            return open;
        }

        var id = Guid.NewGuid().ToString();
        await transport.SendAsync(new OpenConnectionRequest { ConnectionId = id }, nameof(OpenConnectionResponse), null, ct);
        ConnectionId = id;
        var props = new ConnectionProperties { IsDirty = true, AutoCommit = true, HasAutoCommit = true };
        await transport.SendAsync(new ConnectionSyncRequest { ConnectionId = id, ConnProps = props }, nameof(ConnectionSyncResponse), null, ct);
        Log.Debug("Phoenix connection {ConnectionId} open at {Endpoint}", id, transport.Endpoint);
        return id;
    }

    /// <summary>Forgets the connection (closing it on the server if it still answers); the next call opens a new one.</summary>
    public async Task ResetAsync()
    {
        if (ConnectionId is not { } id)
        {
            return;
        }

        ConnectionId = null;
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await transport.SendAsync(new CloseConnectionRequest { ConnectionId = id }, nameof(CloseConnectionResponse), null, timeout.Token);
        }
        catch (Exception e) when (e is PhoenixException or OperationCanceledException)
        {
            Log.Debug("Closing Phoenix connection {ConnectionId} failed: {Error}", id, e.Message);
        }
    }
}
