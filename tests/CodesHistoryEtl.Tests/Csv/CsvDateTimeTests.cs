using System.Globalization;
using System.Text;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Csv;

/// <summary>DateTime texts in the CSV, whose date parts the writer keeps a slot a day (day number modulo 1024).</summary>
public sealed class CsvDateTimeTests
{
    private static readonly Window Hour = new(new DateTimeOffset(2025, 8, 1, 18, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 1, 19, 0, 0, TimeSpan.Zero));

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
        var writer = new CsvRowWriter(stream);
        writer.WriteHeader();
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }

        writer.FlushAsync(TestContext.Current.CancellationToken).AsTask().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
    }
}
