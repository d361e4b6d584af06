using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.ClickHouse;

/// <summary>Rows written through the RowBinary insert read back value by value.</summary>
public sealed class RoundTripTests(ClickHouseFixture fixture)
{
    private static readonly DateTimeOffset Since = new(2024, 8, 1, 18, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Since.AddHours(1);

    [Fact]
    public async Task Tricky_rows_read_back_identical()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        var loadId = Guid.NewGuid();
        var since = Since.ToUnixTimeMilliseconds();
        ExportRow[] rows =
        [
            TestRows.Make("a-all-null", since, Until, v =>
            {
                foreach (var column in Columns.Source.Where(c => c.Nullable))
                {
                    v[column.SourceOrdinal] = FieldValue.Null;
                }
            }),
            TestRows.Make("b-max", since + 1999, Until, v =>
            {
                TestRows.Set(v, "t", FieldValue.FromNumber(255));
                TestRows.Set(v, "st", FieldValue.FromNumber(255));
                TestRows.Set(v, "pg", FieldValue.FromNumber(65535));
                TestRows.Set(v, "tt", FieldValue.FromNumber(long.MaxValue));
                TestRows.Set(v, "emd", FieldValue.FromNumber(0));
                TestRows.Set(v, "apd", FieldValue.FromNumber(4_294_967_295_000));
                TestRows.Set(v, "ch", FieldValue.FromArray([]));
            }),
            TestRows.Make("c-min-unicode", Until.ToUnixTimeMilliseconds() - 1, Until, v =>
            {
                TestRows.Set(v, "t", FieldValue.FromNumber(0));
                TestRows.Set(v, "tt", FieldValue.FromNumber(long.MinValue));
                TestRows.Set(v, "rn", FieldValue.FromText("ТОО «Ромашка» 😀 tab\there\nnew line \\ 'q'"));
                TestRows.Set(v, "sn", FieldValue.FromText(""));
                TestRows.Set(v, "ch", FieldValue.FromArray(["а", null, "b'c", "", "d\\e"]));
            }),
        ];

        using var client = new ClickHouseClient(target.Settings);
        var sink = new ClickHouseSink(client, "codes_history_increment");
        await using (var insert = await sink.BeginInsertAsync(Since, Until, loadId, ct))
        {
            foreach (var row in rows)
            {
                await insert.WriteAsync(row, ct);
            }

            Assert.Equal(3, await insert.CompleteAsync(ct));
        }

        var back = await fixture.QueryAsync($"SELECT {TestRows.SelectList} FROM {target.Table} ORDER BY c FORMAT TabSeparated");
        Assert.Equal(rows.Select(TestRows.ExpectedTsv), back.TrimEnd('\n').Split('\n'));
        Assert.Equal($"codes_history_increment\t{loadId}\n",
            await fixture.QueryAsync($"SELECT DISTINCT etl_job, toString(load_id) FROM {target.Table}"));
    }

    [Fact]
    public async Task A_window_ending_at_business_midnight_belongs_to_the_day_it_covers()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = await ClickHouseTestTarget.CreateAsync(fixture);
        var almaty = TimeZoneInfo.FindSystemTimeZoneById("Asia/Almaty");
        var until = BusinessTime.StartOfDay(new DateOnly(2024, 8, 2), almaty);
        var since = until.AddHours(-1);

        using var client = new ClickHouseClient(target.Settings);
        await using (var insert = await new ClickHouseSink(client, "job").BeginInsertAsync(since, until, Guid.NewGuid(), ct))
        {
            await insert.WriteAsync(TestRows.Make("x", since.ToUnixTimeMilliseconds(), until), ct);
            await insert.CompleteAsync(ct);
        }

        Assert.Equal("2024-08-01\t23\t20240801\n",
            await fixture.QueryAsync($"SELECT d_biz, h_biz, _partition_id FROM {target.Table}"));
    }
}
