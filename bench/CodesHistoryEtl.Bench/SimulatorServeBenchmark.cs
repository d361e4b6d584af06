using BenchmarkDotNet.Attributes;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;
using PhoenixSim;

namespace CodesHistoryEtl.Bench;

/// <summary>
/// The simulator's protocol layer serving one window of 50,000 rows in 5000-row frames (PrepareAndExecute,
/// then Fetch to the end), without HTTP, from given rows and from the compact synthetic table. Figures are per
/// row: it must stay far below the client's cost.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class SimulatorServeBenchmark
{
    private const int Rows = 50_000;
    private const string Sql = "SELECT c, t, opd, did, rid, rinn, rn, sid, sinn, sn, gt, prid, st, ste, elr, emd, apd, exd, p, pt, o, pn, b, tt, tm, ch, j, pg, et, pvad, ag FROM TBL_JTI_TRACE_CIS_HISTORY WHERE opd >= 0 AND opd < 9999999999999";

    private SimEndpoint _endpoint = null!;

    [Params(false, true)]
    public bool Compact { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new SimOptions { TsUnits = CodesHistoryEtl.Config.TimeUnits.Millis };
        var data = Compact
            ? SimDataSet.Synthetic(seed: 1, new DateOnly(2025, 8, 1), days: 1, rowsPerDay: Rows, options)
            : new SimDataSet(SyntheticData.Generate(seed: 1, new DateOnly(2025, 8, 1), days: 1, rowsPerDay: Rows), options);
        _endpoint = new SimEndpoint(data, new SimFaults(), TimeProvider.System);
        Send(new OpenConnectionRequest { ConnectionId = "bench" });
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public long ServeWindow()
    {
        var statement = CreateStatementResponse.Parser.ParseFrom(Unwrap(Send(new CreateStatementRequest { ConnectionId = "bench" }))).StatementId;
        long bytes = Served(Send(new PrepareAndExecuteRequest
        {
            ConnectionId = "bench", StatementId = statement, Sql = Sql, MaxRowsTotal = -1, FirstFrameMaxSize = 5000,
        }));
        for (var offset = 100; offset < Rows; offset += 5000)
        {
            bytes += Served(Send(new FetchRequest { ConnectionId = "bench", StatementId = statement, Offset = (ulong)offset, FrameMaxSize = 5000 }));
        }

        Send(new CloseStatementRequest { ConnectionId = "bench", StatementId = statement });
        return bytes;
    }

    private SimReply Send(IMessage request) => _endpoint.Handle(new WireMessage
    {
        Name = "org.apache.calcite.avatica.proto.Requests$" + request.Descriptor.Name, WrappedMessage = request.ToByteString(),
    }.ToByteArray());

    /// <summary>The bytes the HTTP layer would write; the buffer goes back to the pool as it does there.</summary>
    private static int Served(SimReply reply)
    {
        reply.Release();
        return reply.Length;
    }

    private static ByteString Unwrap(SimReply reply) => WireMessage.Parser.ParseFrom(reply.Bytes).WrappedMessage;
}
