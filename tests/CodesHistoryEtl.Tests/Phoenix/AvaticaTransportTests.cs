using System.Net;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Phoenix;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace CodesHistoryEtl.Tests.Phoenix;

public sealed class AvaticaTransportTests
{
    private const string ErrorName = "org.apache.calcite.avatica.proto.Responses$ErrorResponse";

    [Fact]
    public async Task Sql_error_vector_becomes_one_exception_with_the_servers_codes_and_the_sql()
    {
        // ErrorResponse { error_message: "ERROR 1012 (42M03): Table undefined.", error_code: 4294967295, sql_state: "00000" }
        var error = new ErrorResponse { ErrorMessage = "ERROR 1012 (42M03): Table undefined.", ErrorCode = uint.MaxValue, SqlState = "00000" };
        Assert.StartsWith("1224" + Convert.ToHexString("ERROR 1012"u8), Convert.ToHexString(error.ToByteArray()), StringComparison.Ordinal);
        Assert.Contains("20FFFFFFFF0F2A053030303030", Convert.ToHexString(error.ToByteArray()), StringComparison.Ordinal);
        using var transport = Transport(HttpStatusCode.InternalServerError, Wire(ErrorName, error));

        var e = await Assert.ThrowsAsync<PhoenixException>(() => transport.SendAsync(
            new PrepareRequest { Sql = "SELECT 1 FROM nope" }, nameof(PrepareResponse), "SELECT 1 FROM nope", TestContext.Current.CancellationToken));

        Assert.Equal(-1, e.ErrorCode);
        Assert.Equal("00000", e.SqlState);
        Assert.Equal("Prepare", e.Operation);
        Assert.Equal("SELECT 1 FROM nope", e.Sql);
        Assert.Contains("Table undefined", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task Error_code_1_is_a_lost_session()
    {
        var error = new ErrorResponse { ErrorCode = 1, SqlState = "00000", HasExceptions = true };
        error.Exceptions.Add("org.apache.calcite.avatica.NoSuchConnectionException\n\tat ...");
        using var transport = Transport(HttpStatusCode.InternalServerError, Wire(ErrorName, error));

        var e = await Assert.ThrowsAsync<PhoenixSessionLostException>(() => transport.SendAsync(
            new CreateStatementRequest { ConnectionId = "x" }, nameof(CreateStatementResponse), null, TestContext.Current.CancellationToken));

        Assert.Equal(1, e.ErrorCode);
        Assert.Contains("NoSuchConnectionException", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    public async Task Http_statuses_are_classified(HttpStatusCode status, bool transient)
    {
        using var transport = Transport(status, "<html>busy</html>"u8.ToArray());

        var e = await Assert.ThrowsAsync<PhoenixException>(() => transport.SendAsync(
            new FetchRequest(), nameof(FetchResponse), "SELECT 1", TestContext.Current.CancellationToken));

        Assert.Equal((int)status, e.HttpStatus);
        Assert.Equal(transient, e.IsTransient);
    }

    [Fact]
    public async Task Request_is_a_wire_message_with_basic_auth_and_the_password_stays_out_of_errors()
    {
        var handler = new CannedHandler(HttpStatusCode.Unauthorized, []);
        using var transport = new AvaticaTransport(Settings("etl", "s3cret-pw"), handler);

        var e = await Assert.ThrowsAsync<PhoenixException>(() => transport.SendAsync(
            new OpenConnectionRequest { ConnectionId = "c1" }, nameof(OpenConnectionResponse), null, TestContext.Current.CancellationToken));

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("Basic", request.Headers.Authorization?.Scheme);
        var wire = WireMessage.Parser.ParseFrom(handler.Bodies[0]);
        Assert.Equal("org.apache.calcite.avatica.proto.Requests$OpenConnectionRequest", wire.Name);
        Assert.Equal("c1", OpenConnectionRequest.Parser.ParseFrom(wire.WrappedMessage).ConnectionId);
        Assert.DoesNotContain("s3cret-pw", e.Message, StringComparison.Ordinal);
        Assert.Contains("PQS_USER", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_of_the_wrong_kind_is_a_protocol_error()
    {
        using var transport = Transport(HttpStatusCode.OK, Wire("org.apache.calcite.avatica.proto.Responses$FetchResponse", new FetchResponse()));

        var e = await Assert.ThrowsAsync<PhoenixException>(() => transport.SendAsync(
            new PrepareRequest(), nameof(PrepareResponse), "SELECT 1", TestContext.Current.CancellationToken));

        Assert.Contains("expected PrepareResponse", e.Message, StringComparison.Ordinal);
    }

    internal static PhoenixSettings Settings(string? user = null, string? password = null) => new(
        new Uri("http://127.0.0.1:1"), user, password, FetchSize: 100, TimeUnits.Timestamp, BindMode.Param,
        SqlIdentifier.Parse("T", "TBL_JTI_TRACE_CIS_HISTORY"), SqlIdentifier.Parse("C", "opd"), TimeoutSec: 5, Retries: 0);

    private static AvaticaTransport Transport(HttpStatusCode status, byte[] body) => new(Settings(), new CannedHandler(status, body));

    private static byte[] Wire(string name, IMessage message) =>
        new WireMessage { Name = name, WrappedMessage = message.ToByteString() }.ToByteArray();
}
