using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>The replies a real Avatica server gives, as HTTP status + WireMessage bytes.</summary>
internal static class SimReplies
{
    /// <summary>
    /// 200 with <paramref name="response"/>. Its name is its class's: the generated classes are named as the messages, and
    /// <c>Descriptor.Name</c> would build the reflection tables of all of Avatica's messages (hundreds of methods to JIT-compile).
    /// </summary>
    public static SimReply Ok(IMessage response) => new(200, WireBytes.Wire(response.GetType().Name, response.ToByteArray()), isFrame: false);

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
