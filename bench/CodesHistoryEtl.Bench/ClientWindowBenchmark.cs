using BenchmarkDotNet.Attributes;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Phoenix;
using PhoenixSim;

namespace CodesHistoryEtl.Bench;

/// <summary>
/// One 50,000-row window through the whole client (HTTP, frames of 5000, decode) from the in-process
/// simulator. Client and simulator share the machine's cores, so this is a floor, not the client alone.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class ClientWindowBenchmark
{
    private const int Rows = 50_000;
    private static readonly DateTimeOffset Since = new(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);

    private PhoenixSimulator _simulator = null!;
    private PhoenixClient _client = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var rows = SyntheticData.Generate(seed: 1, DateOnly.FromDateTime(Since.UtcDateTime), days: 1, rowsPerDay: Rows);
        _simulator = new PhoenixSimulator(new SimDataSet(rows, new SimOptions()));
        await _simulator.StartAsync(0, CancellationToken.None);
        _client = new PhoenixClient(new PhoenixSettings(_simulator.Url, null, null, 5000, TimeUnits.Timestamp, BindMode.Param,
            SqlIdentifier.Parse("T", "TBL_JTI_TRACE_CIS_HISTORY"), SqlIdentifier.Parse("C", "opd"), 60, 0));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public async Task<long> ReadWindow()
    {
        long count = 0;
        await foreach (var _ in _client.ReadWindowAsync(Since, Since.AddDays(1), CancellationToken.None))
        {
            count++;
        }

        return count;
    }
}
