namespace PhoenixSim;

/// <summary>A SQL error the simulator reports the way Phoenix does: HTTP 500, error_code -1, the message in error_message.</summary>
public sealed class SimSqlException(string message, string phoenixSqlState) : Exception(message)
{
    /// <summary>The SQL state inside Phoenix's message (Avatica itself sends "00000").</summary>
    public string PhoenixSqlState { get; } = phoenixSqlState;
}
