namespace PhoenixSim;

/// <summary>A statement and, once executed, its open cursor over pre-encoded rows.</summary>
internal sealed class SimStatement(uint id, string connectionId, DateTimeOffset now)
{
    public uint Id { get; } = id;

    public string ConnectionId { get; } = connectionId;

    public DateTimeOffset LastAccess { get; set; } = now;

    /// <summary>Set by Prepare: the query and its max_rows_total.</summary>
    public SimQuery? Prepared { get; set; }

    public long MaxRowsTotal { get; set; }

    /// <summary>The rows of the open result set, or null when there is none (never executed, or done).</summary>
    public SimResult? Result { get; set; }

    public int Position { get; set; }

    /// <summary>The result set was read to its end (done = true was sent): fetching again is an error.</summary>
    public bool Exhausted { get; set; }
}
