namespace PhoenixSim;

/// <summary>
/// A SQL error the simulator reports the way Phoenix does: HTTP 500, error_code -1, the message in error_message
/// with Phoenix's own code and SQL state inside it ("ERROR 601 (42P00): ..."; Avatica itself sends "00000").
/// </summary>
public sealed class SimSqlException(string message) : Exception(message);
