using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>The client against the simulator over real HTTP: exact fixture rows, both time units, both bind modes.</summary>
public sealed class PhoenixEndToEndTests
{
    private static readonly DateTimeOffset Since = new(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Since.AddHours(1);

    private static IReadOnlyList<SourceRow> Fixture() =>
        FixtureFile.Read(Path.Combine(AppContext.BaseDirectory, "Phoenix", "Fixtures", "exact-rows.jsonl"));

    [Theory]
    [InlineData(TimeUnits.Timestamp, BindMode.Param)]
    [InlineData(TimeUnits.Timestamp, BindMode.Literal)]
    [InlineData(TimeUnits.Millis, BindMode.Param)]
    [InlineData(TimeUnits.Millis, BindMode.Literal)]
    public async Task Fixture_rows_of_a_half_open_window_arrive_exactly(TimeUnits units, BindMode bind)
    {
        await using var sim = await SimHarness.StartAsync(Fixture(), units, bind, fetchSize: 2);
        await using var client = sim.Client();

        var rows = await SimHarness.ReadAllAsync(client, Since, Until);

        SimHarness.AssertSameRows(sim.Simulator.Data.RowsIn(Since, Until), rows);
        Assert.Equal(4, rows.Count);
        Assert.Contains(rows, r => r[Columns.TimeOrdinal].Number == Since.ToUnixTimeMilliseconds());
        Assert.DoesNotContain(rows, r => r[Columns.TimeOrdinal].Number == Until.ToUnixTimeMilliseconds());
        var first = rows[0];
        Assert.Equal("ТОО «Ромашка» 🛒", first[Columns.SourceOrdinalOf("rn")].Text);
        Assert.Equal(FieldValue.FromArray(["a", null, "Ж"]), first[Columns.SourceOrdinalOf("ch")]);
        Assert.Equal(long.MinValue, first[Columns.SourceOrdinalOf("tt")].Number);
        Assert.Equal(-1, first[Columns.SourceOrdinalOf("emd")].Number);
        Assert.True(first[Columns.SourceOrdinalOf("sid")].IsNull);
        Assert.Empty(rows[1][Columns.SourceOrdinalOf("ch")].Array);
        Assert.True(rows[2][Columns.SourceOrdinalOf("ch")].IsNull);
        Assert.Equal("", rows[2][Columns.SourceOrdinalOf("j")].Text);
        var expectedStart = bind == BindMode.Param ? "PrepareRequest SELECT" : "PrepareAndExecuteRequest SELECT";
        Assert.Contains(sim.Simulator.RequestLog, entry => entry.StartsWith(expectedStart, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Synthetic_day_streams_over_many_frames_and_matches_the_generator()
    {
        var rows = SyntheticData.Generate(seed: 7, new DateOnly(2025, 8, 1), days: 1, rowsPerDay: 3000);
        await using var sim = await SimHarness.StartAsync(rows, fetchSize: 250);
        await using var client = sim.Client();
        var since = Since.AddHours(3);
        var until = Since.AddHours(15);

        var read = await SimHarness.ReadAllAsync(client, since, until);

        var expected = sim.Simulator.Data.RowsIn(since, until);
        Assert.True(expected.Count > 1000, $"only {expected.Count} rows in the window");
        SimHarness.AssertSameRows(expected, read);
        // First frame capped at 100, then frames of 250.
        Assert.Equal((int)Math.Ceiling((expected.Count - 100) / 250.0), sim.Simulator.RequestLog.Count(e => e is "FetchRequest"));
    }

    [Theory]
    [InlineData(TimeUnits.Timestamp, BindMode.Param)]
    [InlineData(TimeUnits.Millis, BindMode.Literal)]
    public async Task Adjacent_windows_read_every_row_exactly_once(TimeUnits units, BindMode bind)
    {
        var day = SyntheticData.Generate(seed: 11, new DateOnly(2025, 8, 1), days: 1, rowsPerDay: 1500);
        await using var sim = await SimHarness.StartAsync(day, units, bind, fetchSize: 40);
        await using var client = sim.Client();

        var read = new List<SourceRow>();
        for (var hour = 0; hour < 24; hour++)
        {
            read.AddRange(await SimHarness.ReadAllAsync(client, Since.AddHours(hour), Since.AddHours(hour + 1)));
        }

        // The generator puts rows exactly on hour bounds and 1 ms before them: each lands in one window only.
        Assert.Contains(day, r => r[Columns.TimeOrdinal].Number % 3_600_000 == 0);
        Assert.Equal(day.Count, read.Count);
        Assert.Equal(
            day.Select(r => (r[Columns.COrdinal].Text, r[Columns.TOrdinal].Number, r[Columns.TimeOrdinal].Number)).Order(),
            read.Select(r => (r[Columns.COrdinal].Text, r[Columns.TOrdinal].Number, r[Columns.TimeOrdinal].Number)).Order());
    }

    [Fact]
    public async Task Explain_reports_a_full_scan_on_the_non_key_time_column()
    {
        await using var sim = await SimHarness.StartAsync(Fixture());
        await using var client = sim.Client();

        var plan = await client.ExplainAsync(Since, Until, TestContext.Current.CancellationToken);

        Assert.True(plan.IsFullScan);
        Assert.Contains("FULL SCAN OVER TBL_JTI_TRACE_CIS_HISTORY", plan.Text, StringComparison.Ordinal);
        Assert.Contains(sim.Simulator.RequestLog, e => e.StartsWith("PrepareAndExecuteRequest EXPLAIN SELECT c, t, opd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_table_is_a_sql_error_carrying_the_servers_code_and_the_sql()
    {
        await using var sim = await SimHarness.StartAsync(Fixture());
        await using var client = sim.Client(sim.Settings with { Table = SqlIdentifier.Parse("HBASE_MAIN_TABLE", "NO_SUCH_TABLE") });

        var e = await Assert.ThrowsAsync<PhoenixException>(() => SimHarness.ReadAllAsync(client, Since, Until));

        Assert.Equal(-1, e.ErrorCode);
        Assert.Equal("00000", e.SqlState);
        Assert.Equal("Prepare", e.Operation);
        Assert.Contains("Table undefined", e.Message, StringComparison.Ordinal);
        Assert.Contains("FROM NO_SUCH_TABLE", e.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sticky_load_balancer_cookie_is_sent_back_on_every_later_call()
    {
        await using var sim = await SimHarness.StartAsync(Fixture());
        sim.Simulator.StickyCookie = true;
        await using var client = sim.Client();

        await SimHarness.ReadAllAsync(client, Since, Until);

        // Every call after the first (OpenConnection) carries the cookie the first reply set.
        Assert.Equal(sim.Simulator.RequestLog.Count - 1, sim.Simulator.RequestsWithCookie);
        Assert.True(sim.Simulator.RequestsWithCookie >= 4);
    }

    [Fact]
    public async Task Bad_source_rows_are_decoded_faithfully_for_the_transformer_to_reject()
    {
        var bad = FixtureFile.Parse("""
            {"c":null,"t":1,"opd":"2025-08-01T00:10:00Z"}
            {"c":"x","t":null,"opd":"2025-08-01T00:11:00Z","st":-5,"pg":-1}
            {"c":"y","t":300,"opd":"2025-08-01T00:12:00Z","ch":[null]}
            {"c":"z\ud800","t":1,"opd":"2025-08-01T00:13:00Z"}
            """);
        await using var sim = await SimHarness.StartAsync(bad, bind: BindMode.Literal);
        await using var client = sim.Client();

        var rows = await SimHarness.ReadAllAsync(client, Since, Until);

        SimHarness.AssertSameRows(bad.Take(3).ToArray(), rows.Take(3).ToArray());
        Assert.True(rows[0][Columns.COrdinal].IsNull);
        Assert.True(rows[1][Columns.TOrdinal].IsNull);
        Assert.Equal(-5, rows[1][Columns.SourceOrdinalOf("st")].Number);
        Assert.Equal(300, rows[2][Columns.TOrdinal].Number);
        Assert.Equal(FieldValue.FromArray([null]), rows[2][Columns.SourceOrdinalOf("ch")]);
        Assert.Equal("z\ud800", bad[3][Columns.COrdinal].Text);
        Assert.Equal("z\ufffd", rows[3][Columns.COrdinal].Text);
    }
}
