namespace CodesHistoryEtl.ClickHouse;

/// <summary>What the connected server is and which of the settings the client may send it knows.</summary>
public sealed record ServerInfo(ServerVersion Version, IReadOnlySet<string> KnownSettings)
{
    /// <summary>The settings the client sends only when the server has them.</summary>
    public static readonly string[] OptionalSettings =
        ["async_insert", "allow_experimental_low_cardinality_type", "insert_distributed_sync", "insert_deduplicate"];

    public bool Knows(string setting) => KnownSettings.Contains(setting);
}
