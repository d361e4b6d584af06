using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>The compact synthetic table: deterministic, in scan order, encoded exactly as Google.Protobuf would, served whole.</summary>
public sealed class SyntheticTableTests
{
    private static readonly DateOnly From = new(2025, 8, 1);
    private static readonly SimOptions Options = new();

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        var frame = SimDataSet.Synthetic(5, From, 2, 3000, Options).FrameBytes(0, 6000);

        Assert.Equal(frame, SimDataSet.Synthetic(5, From, 2, 3000, Options).FrameBytes(0, 6000));
        Assert.NotEqual(frame, SimDataSet.Synthetic(6, From, 2, 3000, Options).FrameBytes(0, 6000));
    }

    [Fact]
    public void Rows_are_encoded_byte_for_byte_as_the_protobuf_encoder_writes_them()
    {
        var data = SimDataSet.Synthetic(3, From, 1, 2000, Options);
        var reps = Columns.Source.Select(c => SimTable.TypeOf(c, Options).Rep).ToArray();

        var frame = Frame.Parser.ParseFrom(data.FrameBytes(0, 2000));

        Assert.Equal(2000, frame.Rows.Count);
        for (var i = 0; i < frame.Rows.Count; i++)
        {
            Assert.Equal(RowEncoder.Encode(data.Rows[i].Values, reps), Google.Protobuf.MessageExtensions.ToByteArray(frame.Rows[i]));
        }
    }

    [Fact]
    public void Rows_come_in_key_order_within_their_days_with_repeated_sort_keys()
    {
        var rows = SimDataSet.Synthetic(1, From, 2, 999, Options).Rows.ToList(); // 999: day 2 starts where a repeat would fall
        var start = new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        for (var i = 1; i < rows.Count; i++)
        {
            var order = string.CompareOrdinal(rows[i - 1][Columns.COrdinal].Text, rows[i][Columns.COrdinal].Text);
            Assert.True(order < 0 || (order == 0 && rows[i - 1][Columns.TOrdinal].Number < rows[i][Columns.TOrdinal].Number), $"row {i} out of order");
        }

        Assert.All(rows.Take(999), r => Assert.InRange(r[Columns.TimeOrdinal].Number, start, start + 86_399_999));
        Assert.All(rows.Skip(999), r => Assert.InRange(r[Columns.TimeOrdinal].Number, start + 86_400_000, start + 2 * 86_400_000 - 1));
        Assert.Equal(rows[38][Columns.TimeOrdinal], rows[39][Columns.TimeOrdinal]);
        Assert.Equal(rows[38][Columns.DidOrdinal], rows[39][Columns.DidOrdinal]);
        Assert.InRange(rows.Count(r => r[Columns.DidOrdinal].IsNull), 50, 500);
        Assert.InRange(rows.Select(r => r[Columns.DidOrdinal]).Distinct().Count(), 1500, 1998);
    }

    [Fact]
    public async Task A_window_of_a_synthetic_table_arrives_exactly()
    {
        await using var simulator = new PhoenixSimulator(SimDataSet.Synthetic(9, From, 1, 20_000, Options));
        await simulator.StartAsync(0, TestContext.Current.CancellationToken);
        var settings = new PhoenixSettings(simulator.Url, null, null, 3000, TimeUnits.Timestamp, BindMode.Param,
            SqlIdentifier.Parse("HBASE_MAIN_TABLE", "TBL_JTI_TRACE_CIS_HISTORY"), SqlIdentifier.Parse("HBASE_MAIN_TS_COLUMN", "opd"), 30, 0);
        await using var client = new CodesHistoryEtl.Phoenix.PhoenixClient(settings);
        var since = new DateTimeOffset(2025, 8, 1, 5, 0, 0, TimeSpan.Zero);

        var read = await SimHarness.ReadAllAsync(client, since, since.AddHours(2));

        var expected = simulator.Data.RowsIn(since, since.AddHours(2));
        Assert.InRange(expected.Count, 1400, 2000);
        SimHarness.AssertSameRows(expected, read);
    }
}
