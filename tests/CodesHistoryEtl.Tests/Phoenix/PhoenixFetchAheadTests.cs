using CodesHistoryEtl.Etl;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>The next Fetch is in flight while the current frame is consumed, one at a time, and never outlives its window.</summary>
public sealed class PhoenixFetchAheadTests
{
    private static readonly DateTimeOffset Since = new(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Since.AddDays(1);
    private static readonly IReadOnlyList<SourceRow> Day = SyntheticData.Generate(seed: 5, DateOnly.FromDateTime(Since.UtcDateTime), 1, 1200);

    [Fact]
    public async Task The_next_fetch_reaches_the_server_before_the_last_row_of_the_current_frame_is_consumed()
    {
        await using var sim = await SimHarness.StartAsync(Day, fetchSize: 200);
        await using var client = sim.Client();
        var rows = new List<SourceRow>();
        var fetchesSeenAtFrameEnds = new List<int>();

        // Frames: 100 rows from the Execute, then Fetches of 200 ending at rows 300, 500, ..., 1100, 1200 (done).
        await foreach (var row in client.ReadWindowAsync(Since, Until, TestContext.Current.CancellationToken))
        {
            rows.Add(row.ToSourceRow());
            if (rows.Count > 100 && (rows.Count - 100) % 200 == 0)
            {
                // Holding the last row of fetched frame k: the request for frame k + 1 is already at the server.
                var k = (rows.Count - 100) / 200;
                fetchesSeenAtFrameEnds.Add(await FetchesAtLeastAsync(sim, k + 1));
            }
        }

        SimHarness.AssertSameRows(sim.Simulator.Data.Rows, rows);
        Assert.Equal([2, 3, 4, 5, 6], fetchesSeenAtFrameEnds); // one ahead, never two
        Assert.Equal(6, Fetches(sim));
    }

    [Fact]
    public async Task A_window_abandoned_or_cancelled_with_a_fetch_in_flight_leaves_the_client_usable()
    {
        await using var sim = await SimHarness.StartAsync(Day, fetchSize: 200);
        await using var client = sim.Client();
        sim.Simulator.Faults.FrameLatency = TimeSpan.FromMilliseconds(300);

        // Row 150 is in the first fetched frame (rows 100-300): the Fetch of the next one is in flight.
        var seen = 0;
        await foreach (var _ in client.ReadWindowAsync(Since, Until, TestContext.Current.CancellationToken))
        {
            if (++seen == 150)
            {
                break;
            }
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.ReadWindowAsync(Since, Until, cancel.Token))
            {
                if (++seen == 150)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.True(seen is 300 or 500, $"cancelled after {seen} rows"); // at a frame boundary, where the Fetch ahead is needed
        sim.Simulator.Faults.FrameLatency = TimeSpan.Zero;
        SimHarness.AssertSameRows(sim.Simulator.Data.Rows, await SimHarness.ReadAllAsync(client, Since, Until));
        Assert.Equal(2, sim.Simulator.RequestLog.Count(r => r == "CloseStatementRequest"));
    }

    private static int Fetches(SimHarness sim) => sim.Simulator.RequestLog.Count(r => r == "FetchRequest");

    /// <summary>Waits (bounded) until the server has seen <paramref name="count"/> Fetches; returns how many it has seen.</summary>
    private static async Task<int> FetchesAtLeastAsync(SimHarness sim, int count)
    {
        for (var i = 0; i < 100 && Fetches(sim) < count; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return Fetches(sim);
    }
}
