using System.Globalization;
using System.Text;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Csv;

/// <summary>CsvRowWriter on its own: what its buffer and its date cache must not change.</summary>
public sealed class CsvRowWriterTests
{
    private static readonly Window Hour = new(new DateTimeOffset(2025, 8, 1, 18, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 1, 19, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_row_larger_than_the_buffer_is_written_whole_between_its_neighbours()
    {
        // 2 MiB of UTF-8 whose quotes double: the writer must grow its 2 MiB buffer for this row, then go on
        var big = new string('ж', (RowTransformer.MaxTextLength / 2) - 1) + "\"" + new string('x', 1000);
        var rows = WireRows.Export(Hour, new[] { "before", "big", "after" }.Select(c =>
            SampleRows.Make(c, 1, Hour.Since, ("j", SampleRows.Text(c == "big" ? big : c)))));

        var lines = Write(rows);

        var j = Columns.Target.IndexOf(Columns.Target.Single(c => c.Name == "j"));
        Assert.Equal(["before", "big", "after"], lines.Select(l => l.Split(',')[0].Trim('"')));
        Assert.Equal("\"before\"", lines[0].Split(',')[j]);
        Assert.Equal("\"" + big.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", lines[1].Split(',')[j]);
        Assert.Equal("\"after\"", lines[2].Split(',')[j]);
    }

    [Fact]
    public void Days_that_share_a_slot_each_keep_their_own_date()
    {
        // 1024 and 2048 days apart: the same slot, so each value must replace what the slot held
        var emd = new[] { 0, 1024, 0, 2048, 1, 1025, 1024, 10_000, 0 }
            .Select((days, i) => new DateTimeOffset(2020, 2, 29, 23, 59, 59, TimeSpan.Zero).AddDays(days).AddSeconds(-i).AddMilliseconds(999))
            .ToList();
        var rows = WireRows.Export(Hour, emd.Select((value, i) =>
            SampleRows.Make($"c{i}", 1, Hour.Since, ("emd", SampleRows.Number(value.ToUnixTimeMilliseconds())))));

        var lines = Write(rows);

        var emdIndex = Columns.Target.IndexOf(Columns.Target.Single(c => c.Name == "emd"));
        var tsIndex = Columns.Target.IndexOf(Columns.Ts);
        Assert.Equal(emd.Count, lines.Count);
        for (var i = 0; i < emd.Count; i++)
        {
            var fields = lines[i].Split(',');
            Assert.Equal(emd[i].UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), fields[emdIndex]);
            Assert.Equal("2025-08-01 19:00:00", fields[tsIndex]);
        }
    }

    /// <summary>The data lines of a CSV of <paramref name="rows"/> (rows made to have no comma inside a value).</summary>
    private static List<string> Write(IEnumerable<ExportRow> rows)
    {
        using var stream = new MemoryStream();
        using var writer = new CsvRowWriter(stream);
        writer.WriteHeader();
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }

        writer.FlushAsync(TestContext.Current.CancellationToken).AsTask().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
    }
}
