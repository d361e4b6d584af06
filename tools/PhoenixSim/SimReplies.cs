using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>The replies a real Avatica server gives, as HTTP status + WireMessage bytes.</summary>
internal static class SimReplies
{
    public static SimReply Ok(IMessage response) => new(200, WireBytes.Wire(response.Descriptor.Name, response.ToByteArray()), isFrame: false);

    /// <summary>A SQL error: error_code -1 (as uint32), sql_state 00000, the cause chain in error_message.</summary>
    public static SimReply SqlError(string message, string exceptionClass = "java.sql.SQLException") =>
        Error(uint.MaxValue, $"{exceptionClass}: {message}", $"{exceptionClass}: {message}\n\tat PhoenixSim.SimEndpoint(simulated)");

    /// <summary>Unknown or expired connection: error_code 1 (MISSING_CONNECTION), empty message.</summary>
    public static SimReply NoSuchConnection(string connectionId) =>
        Error(1, "", $"org.apache.calcite.avatica.NoSuchConnectionException: {connectionId}\n\tat PhoenixSim.SimEndpoint(simulated)");

    private static SimReply Error(uint code, string message, string stack)
    {
        var error = new ErrorResponse
        {
            ErrorCode = code, ErrorMessage = message, SqlState = "00000", Severity = Severity.ErrorSeverity, HasExceptions = true,
            Metadata = new RpcMetadata { ServerAddress = "phoenix-sim:8765" },
        };
        error.Exceptions.Add(stack);
        return new SimReply(500, WireBytes.Wire(nameof(ErrorResponse), error.ToByteArray()), isFrame: false);
    }
}
