using CodesHistoryEtl.Phoenix.Proto;

namespace PhoenixSim;

/// <summary>A connection the simulator holds for a client-chosen id.</summary>
internal sealed class SimConnection(string id, DateTimeOffset now)
{
    public string Id { get; } = id;

    public DateTimeOffset LastAccess { get; set; } = now;

    public ConnectionProperties Properties { get; set; } = new() { AutoCommit = false, HasAutoCommit = true };
}
