using System.Buffers;
using System.Diagnostics;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using PhoenixSim;

namespace CodesHistoryEtl.Bench;

/// <summary>
/// <c>-- stages</c>: CPU per row of the etl's in-process stages on one synthetic day, measured cumulatively
/// (decode; + transform; + CSV; + RowBinary), so each difference is one stage's cost. No I/O: CSV goes to
/// Stream.Null and RowBinary into a reused buffer. Process CPU time, so it holds on a shared machine.
/// </summary>
public static class StageCpuRun
{
    private const int Rows = 100_000;

    public static void Run()
    {
        var data = SimDataSet.Synthetic(seed: 1, new DateOnly(2025, 8, 1), days: 1, rowsPerDay: Rows, new SimOptions());
        var frame = data.FrameBytes(0, Rows);
        var day = new Window(new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 2, 0, 0, 0, TimeSpan.Zero));
        Console.WriteLine($"{Rows:N0} rows, {frame.Length / Rows} bytes/row on the wire");
        double previous = 0;
        foreach (var stages in new[] { 1, 2, 3, 4 })
        {
            Pass(frame, day, stages); // warm-up
            var cpu = Measure(() => Pass(frame, day, stages));
            Console.WriteLine($"{(stages switch { 1 => "decode", 2 => "+ transform", 3 => "+ CSV", _ => "+ RowBinary" }),-12} {cpu:0} ns/row cumulative, stage {cpu - previous:0} ns/row");
            previous = cpu;
        }
    }

    private static double Measure(Action pass)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        const int times = 5;
        for (var i = 0; i < times; i++)
        {
            pass();
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalNanoseconds / (times * (double)Rows);
    }

    private static void Pass(byte[] frame, Window day, int stages)
    {
        var decoder = FrameDecoder.ForSource();
        var transformer = new RowTransformer(day);
        var csv = new CsvRowWriter(Stream.Null);
        var encoder = new ClickHouse.RowEncoder("bench", Guid.NewGuid());
        var binary = new ArrayBufferWriter<byte>(1 << 20);
        var row = new WireRow(decoder.ColumnCount);
        var exported = new ExportRow();
        var position = 0;
        while (decoder.TryDecodeNext(frame, ref position, row))
        {
            if (stages < 2 || !transformer.TryTransform(row, exported, out _))
            {
                continue;
            }

            if (stages >= 3)
            {
                csv.WriteRow(exported);
                if (csv.ShouldFlush)
                {
                    csv.FlushAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
                }
            }

            if (stages >= 4)
            {
                encoder.Write(binary, exported);
                if (binary.WrittenCount > 1 << 19)
                {
                    binary.ResetWrittenCount();
                }
            }
        }
    }
}
