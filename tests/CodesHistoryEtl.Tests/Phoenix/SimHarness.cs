using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>A started in-process simulator and the settings of a client pointed at it.</summary>
internal sealed class SimHarness : IAsyncDisposable
{
    private SimHarness(PhoenixSimulator simulator, PhoenixSettings settings)
    {
        Simulator = simulator;
        Settings = settings;
    }

    public PhoenixSimulator Simulator { get; }

    public PhoenixSettings Settings { get; }

    public static async Task<SimHarness> StartAsync(IEnumerable<SourceRow> rows, TimeUnits units = TimeUnits.Timestamp,
        BindMode bind = BindMode.Param, int fetchSize = 1000, int retries = 3, int timeoutSec = 30, TimeProvider? time = null)
    {
        var simulator = new PhoenixSimulator(new SimDataSet(rows, new SimOptions { TsUnits = units }), time);
        await simulator.StartAsync(0, TestContext.Current.CancellationToken);
        var settings = new PhoenixSettings(simulator.Url, null, null, fetchSize, units, bind,
            SqlIdentifier.Parse("HBASE_MAIN_TABLE", "TBL_JTI_TRACE_CIS_HISTORY"), SqlIdentifier.Parse("HBASE_MAIN_TS_COLUMN", "opd"),
            timeoutSec, retries);
        return new SimHarness(simulator, settings);
    }

    public PhoenixClient Client(PhoenixSettings? settings = null) =>
        new(settings ?? Settings) { RetryDelay = TimeSpan.FromMilliseconds(10) };

    public static async Task<List<SourceRow>> ReadAllAsync(PhoenixClient client, DateTimeOffset since, DateTimeOffset until)
    {
        var rows = new List<SourceRow>();
        await foreach (var row in client.ReadWindowAsync(since, until, TestContext.Current.CancellationToken))
        {
            rows.Add(row.ToSourceRow());
        }

        return rows;
    }

    public static void AssertSameRows(IReadOnlyList<SourceRow> expected, IReadOnlyList<SourceRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Values, actual[i].Values);
        }
    }

    public ValueTask DisposeAsync() => Simulator.DisposeAsync();
}
