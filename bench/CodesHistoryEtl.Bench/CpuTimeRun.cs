using System.Diagnostics;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using PhoenixSim;

namespace CodesHistoryEtl.Bench;

/// <summary>
/// <c>-- cpu</c>: decode throughput per CPU-second (process CPU time, not wall time), which stays meaningful
/// on a shared machine where other processes steal the core. Single-threaded; the non-concurrent GC runs on
/// the same thread, so its cost is included.
/// </summary>
public static class CpuTimeRun
{
    public static void Run(int seconds)
    {
        const int rows = 5000;
        var data = new SimDataSet(SyntheticData.Generate(seed: 1, new DateOnly(2025, 8, 1), days: 1, rowsPerDay: rows), new SimOptions());
        var frame = data.FrameBytes(0, rows);
        var decoder = FrameDecoder.ForSource();
        Decode(decoder, frame, 20);

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var wall = Stopwatch.StartNew();
        long decoded = 0;
        while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            decoded += Decode(decoder, frame, 10);
        }

        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine($"frame: {rows} rows x {Columns.Source.Length} columns, {frame.Length / rows} bytes/row on the wire");
        Console.WriteLine($"decoded {decoded:N0} rows in {wall.Elapsed.TotalSeconds:0.0} s wall, {cpu.TotalSeconds:0.00} s CPU");
        Console.WriteLine($"{decoded / cpu.TotalSeconds:N0} rows per CPU-second, {cpu.TotalNanoseconds / decoded:0} ns CPU/row, {allocated / decoded:N0} bytes allocated/row");
    }

    private static long Decode(FrameDecoder decoder, byte[] frame, int times)
    {
        long count = 0;
        var row = new WireRow(decoder.ColumnCount);
        for (var i = 0; i < times; i++)
        {
            var position = 0;
            while (decoder.TryDecodeNext(frame, ref position, row))
            {
                count++;
            }
        }

        return count;
    }
}
