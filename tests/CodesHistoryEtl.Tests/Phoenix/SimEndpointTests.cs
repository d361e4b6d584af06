using CodesHistoryEtl.Config;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>The simulator's protocol rules, byte for byte, without a client in between.</summary>
public sealed class SimEndpointTests
{
    private const string Sql = "SELECT c, t, opd FROM TBL_JTI_TRACE_CIS_HISTORY WHERE opd >= 0 AND opd < 9999999999999";
    private static readonly SimDataSet Data = new(SyntheticData.Generate(1, new DateOnly(2025, 8, 1), 1, 250),
        new SimOptions { TsUnits = TimeUnits.Millis });

    private readonly SimEndpoint _endpoint = new(Data, new SimFaults(), new ManualTime());

    [Fact]
    public void Statement_ids_start_at_0_which_is_absent_on_the_wire()
    {
        Send(new OpenConnectionRequest { ConnectionId = "c" });

        var reply = Send(new CreateStatementRequest { ConnectionId = "c" });

        Assert.Equal(200, reply.Status);
        var created = Unwrap(reply);
        Assert.Equal(0u, CreateStatementResponse.Parser.ParseFrom(created).StatementId);
        Assert.DoesNotContain((byte)(2 << 3), created.ToByteArray());
    }

    [Theory]
    [InlineData(5000, 100, false)]
    [InlineData(-1, 100, false)]
    [InlineData(30, 30, false)]
    [InlineData(-2, 250, true)]
    [InlineData(0, 0, true)]
    public void First_frame_size_follows_the_rules(int firstFrameMaxSize, int rows, bool done)
    {
        var frame = Execute(firstFrameMaxSize);

        Assert.Equal(rows, frame.Rows.Count);
        Assert.Equal(done, frame.Done);
    }

    [Fact]
    public void Fetch_echoes_the_offset_reads_on_and_fails_after_done()
    {
        Execute(100);

        var first = Fetch(offset: 12345, size: 100);
        var last = Fetch(offset: 200, size: -1);

        Assert.Equal(12345u, first.Offset);
        Assert.Equal(100, first.Rows.Count);
        Assert.Equal((50, true), (last.Rows.Count, last.Done));
        Assert.Equal(500, Send(new FetchRequest { ConnectionId = "c", StatementId = 0, FrameMaxSize = 100 }).Status);
    }

    [Fact]
    public void Unknown_statement_and_connection_answer_as_avatica_does()
    {
        var fetch = FetchResponse.Parser.ParseFrom(Unwrap(Send(new FetchRequest { ConnectionId = "nope", StatementId = 7 })));
        var execute = ExecuteResponse.Parser.ParseFrom(Unwrap(Send(new PrepareAndExecuteRequest { ConnectionId = "nope", StatementId = 7, Sql = Sql })));
        var create = Send(new CreateStatementRequest { ConnectionId = "nope" });
        Send(new OpenConnectionRequest { ConnectionId = "c" });
        var reopen = Send(new OpenConnectionRequest { ConnectionId = "c" });

        Assert.True(fetch.MissingStatement && fetch.MissingResults);
        Assert.True(execute.MissingStatement);
        var error = ErrorResponse.Parser.ParseFrom(Unwrap(create));
        Assert.Equal((500, 1u, "", "00000"), (create.Status, error.ErrorCode, error.ErrorMessage, error.SqlState));
        Assert.StartsWith("org.apache.calcite.avatica.NoSuchConnectionException", error.Exceptions[0], StringComparison.Ordinal);
        Assert.Contains("already exists", ErrorResponse.Parser.ParseFrom(Unwrap(reopen)).ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_max_rows_total_the_result_is_empty()
    {
        Send(new OpenConnectionRequest { ConnectionId = "c" });
        Send(new CreateStatementRequest { ConnectionId = "c" });

        var result = ExecuteResponse.Parser.ParseFrom(Unwrap(Send(new PrepareAndExecuteRequest
        {
            ConnectionId = "c", StatementId = 0, Sql = Sql, FirstFrameMaxSize = 100,
        })));

        Assert.Empty(result.Results[0].FirstFrame.Rows);
        Assert.Equal(ulong.MaxValue, result.Results[0].UpdateCount);
    }

    private Frame Execute(int firstFrameMaxSize)
    {
        Send(new OpenConnectionRequest { ConnectionId = "c" });
        Send(new CreateStatementRequest { ConnectionId = "c" });
        var reply = Send(new PrepareAndExecuteRequest { ConnectionId = "c", StatementId = 0, Sql = Sql, MaxRowsTotal = -1, FirstFrameMaxSize = firstFrameMaxSize });
        return ExecuteResponse.Parser.ParseFrom(Unwrap(reply)).Results[0].FirstFrame;
    }

    private Frame Fetch(ulong offset, int size) =>
        FetchResponse.Parser.ParseFrom(Unwrap(Send(new FetchRequest { ConnectionId = "c", StatementId = 0, Offset = offset, FrameMaxSize = size }))).Frame;

    private SimReply Send(IMessage request) => _endpoint.Handle(new WireMessage
    {
        Name = "org.apache.calcite.avatica.proto.Requests$" + request.Descriptor.Name, WrappedMessage = request.ToByteString(),
    }.ToByteArray());

    private static ByteString Unwrap(SimReply reply) => WireMessage.Parser.ParseFrom(reply.Bytes).WrappedMessage;
}
