using BenchmarkDotNet.Attributes;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using CodesHistoryEtl.Phoenix.Proto;
using PhoenixSim;

namespace CodesHistoryEtl.Bench;

/// <summary>
/// Client decode of one 5000-row frame of the 31-column row, as the simulator (and Avatica) encode it:
/// the span decoder the client uses (values left as slices of the frame) versus Google.Protobuf's generated
/// classes building .NET strings. Figures are per row.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class FrameDecodeBenchmark
{
    private const int Rows = 5000;

    private readonly FrameDecoder _decoder = FrameDecoder.ForSource();
    private readonly WireRow _row = new(Columns.Source.Length);
    private byte[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        var data = new SimDataSet(SyntheticData.Generate(seed: 1, new DateOnly(2025, 8, 1), days: 1, rowsPerDay: Rows), new SimOptions());
        _frame = data.FrameBytes(0, Rows);
    }

    /// <summary>What the client does: rows decoded one at a time from the frame bytes into one reused row of slices.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public long SpanDecoderStreaming()
    {
        var position = 0;
        long sum = 0;
        while (_decoder.TryDecodeNext(_frame, ref position, _row))
        {
            sum += _row.TextBytes;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int GeneratedClasses()
    {
        var frame = Frame.Parser.ParseFrom(_frame);
        var count = 0;
        foreach (var row in frame.Rows)
        {
            var values = new FieldValue[row.Value.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var cell = row.Value[i];
                values[i] = cell.HasArrayValue
                    ? FieldValue.FromArray(cell.ArrayValue.Select(e => e.Null ? null : e.StringValue).ToArray())
                    : cell.ScalarValue.Null ? FieldValue.Null
                    : cell.ScalarValue.Type == Rep.String ? FieldValue.FromText(cell.ScalarValue.StringValue)
                    : FieldValue.FromNumber(cell.ScalarValue.NumberValue);
            }

            count += values.Length > 0 ? 1 : 0;
        }

        return count;
    }
}
