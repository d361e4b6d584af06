using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>Every simulator fault knob and the client behaviour it must produce.</summary>
public sealed class PhoenixFaultTests
{
    private static readonly DateTimeOffset Since = new(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Since.AddDays(1);
    private static readonly IReadOnlyList<SourceRow> Day = SyntheticData.Generate(seed: 3, DateOnly.FromDateTime(Since.UtcDateTime), 1, 1200);

    [Fact]
    public async Task Http_503_burst_before_the_first_row_is_retried()
    {
        await using var sim = await SimHarness.StartAsync(Day, retries: 3);
        await using var client = sim.Client();
        sim.Simulator.Faults.Http503Burst(2);

        var rows = await SimHarness.ReadAllAsync(client, Since, Until);

        SimHarness.AssertSameRows(sim.Simulator.Data.Rows, rows);
        Assert.Equal(0, sim.Simulator.Faults.Http503Remaining);
    }

    [Fact]
    public async Task Http_503_longer_than_the_retries_fails_as_transient()
    {
        await using var sim = await SimHarness.StartAsync(Day, retries: 2);
        await using var client = sim.Client();
        sim.Simulator.Faults.Http503Burst(10);

        var e = await Assert.ThrowsAsync<PhoenixException>(() => SimHarness.ReadAllAsync(client, Since, Until));

        Assert.Equal(503, e.HttpStatus);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task Http_503_after_rows_have_flowed_fails_the_window_and_a_rerun_reads_it_whole()
    {
        await using var sim = await SimHarness.StartAsync(Day, fetchSize: 300, retries: 3);
        await using var client = sim.Client();
        var seen = 0;

        var e = await Assert.ThrowsAsync<PhoenixException>(async () =>
        {
            await foreach (var _ in client.ReadWindowAsync(Since, Until, TestContext.Current.CancellationToken))
            {
                if (++seen == 100)
                {
                    sim.Simulator.Faults.Http503Burst(1);
                }
            }
        });

        Assert.Equal(503, e.HttpStatus);
        Assert.Equal(100, seen);
        SimHarness.AssertSameRows(sim.Simulator.Data.Rows, await SimHarness.ReadAllAsync(client, Since, Until));
    }

    [Fact]
    public async Task Failure_after_n_frames_is_a_sql_error_and_the_client_stays_usable()
    {
        await using var sim = await SimHarness.StartAsync(Day, fetchSize: 200);
        await using var client = sim.Client();
        var seen = 0;
        sim.Simulator.Faults.FailAfterFrames(3);

        var e = await Assert.ThrowsAsync<PhoenixException>(async () =>
        {
            await foreach (var _ in client.ReadWindowAsync(Since, Until, TestContext.Current.CancellationToken))
            {
                seen++;
            }
        });

        Assert.Equal(100 + 200 + 200, seen);
        Assert.Equal("Fetch", e.Operation);
        Assert.Equal(-1, e.ErrorCode);
        Assert.Contains("region", e.Message, StringComparison.Ordinal);
        SimHarness.AssertSameRows(sim.Simulator.Data.Rows, await SimHarness.ReadAllAsync(client, Since, Until));
    }

    [Fact]
    public async Task Connection_expiring_mid_window_is_a_lost_session_and_the_next_read_reopens()
    {
        await using var sim = await SimHarness.StartAsync(Day, fetchSize: 200);
        await using var client = sim.Client();
        await client.OpenAsync(TestContext.Current.CancellationToken);
        sim.Simulator.Faults.ExpireConnectionsAfterFrames(2);

        var e = await Assert.ThrowsAsync<PhoenixSessionLostException>(() => SimHarness.ReadAllAsync(client, Since, Until));

        Assert.Equal("Fetch", e.Operation);
        Assert.Contains("re-run", e.Message, StringComparison.Ordinal);
        SimHarness.AssertSameRows(sim.Simulator.Data.Rows, await SimHarness.ReadAllAsync(client, Since, Until));
        Assert.Equal(2, sim.Simulator.RequestLog.Count(r => r == "OpenConnectionRequest"));
    }

    [Fact]
    public async Task Connection_lost_between_windows_is_reopened_before_the_first_row()
    {
        await using var sim = await SimHarness.StartAsync(Day, retries: 1);
        await using var client = sim.Client();
        await client.OpenAsync(TestContext.Current.CancellationToken);
        sim.Simulator.ExpireAllConnections();

        var rows = await SimHarness.ReadAllAsync(client, Since, Until);

        SimHarness.AssertSameRows(sim.Simulator.Data.Rows, rows);
    }

    [Fact]
    public async Task Idle_expiry_of_connection_and_statement_follows_the_server_caches()
    {
        var time = new ManualTime();
        await using var sim = await SimHarness.StartAsync(Day, fetchSize: 300, retries: 1, time: time);
        await using var client = sim.Client();
        await client.OpenAsync(TestContext.Current.CancellationToken);
        time.Now += TimeSpan.FromMinutes(11);

        // An expired connection before the first row: error_code 1, retried on a fresh connection.
        Assert.Equal(Day.Count, (await SimHarness.ReadAllAsync(client, Since, Until)).Count);

        // An expired statement mid-window: missing_statement, the window must be re-run.
        var e = await Assert.ThrowsAsync<PhoenixSessionLostException>(async () =>
        {
            await foreach (var _ in client.ReadWindowAsync(Since, Until, TestContext.Current.CancellationToken))
            {
                time.Now += TimeSpan.FromSeconds(4);
            }
        });
        Assert.Contains("missing_statement=True", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frame_latency_beyond_the_http_timeout_is_a_transient_timeout()
    {
        await using var sim = await SimHarness.StartAsync(Day, retries: 0, timeoutSec: 1);
        await using var client = sim.Client();
        await client.OpenAsync(TestContext.Current.CancellationToken);
        sim.Simulator.Faults.FrameLatency = TimeSpan.FromSeconds(3);

        var e = await Assert.ThrowsAsync<PhoenixException>(() => SimHarness.ReadAllAsync(client, Since, Until));

        Assert.True(e.IsTransient);
        Assert.Contains("PQS_TIMEOUT_SEC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_is_retried_then_reported_with_the_endpoint()
    {
        var sim = await SimHarness.StartAsync(Day, retries: 2);
        var settings = sim.Settings;
        await sim.DisposeAsync();
        await using var client = sim.Client(settings);

        var e = await Assert.ThrowsAsync<PhoenixException>(() => client.OpenAsync(TestContext.Current.CancellationToken));

        Assert.True(e.IsTransient);
        Assert.Contains($"cannot reach http://127.0.0.1:{settings.Url.Port}", e.Message, StringComparison.Ordinal);
    }
}
