using System.Globalization;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using PhoenixSim;

namespace ClickHouseInsertBench;

/// <summary>
/// Deterministic, realistic rows of one window, held as the Avatica frames the ETL would receive; read back as the
/// ETL reads them (decoded and transformed one row at a time), and written as the ETL's CSV.
/// </summary>
public static class BenchRows
{
    private const int FrameRows = 10_000;

    /// <summary>The rows encoded into frames of <see cref="FrameRows"/> rows, as the simulator sends them.</summary>
    public static List<byte[]> Frames(int count, DateTimeOffset since, DateTimeOffset until)
    {
        var data = new SimDataSet(Generate(count, since, until), new SimOptions());
        return Enumerable.Range(0, (count + FrameRows - 1) / FrameRows).Select(i => data.FrameBytes(i * FrameRows, FrameRows)).ToList();
    }

    /// <summary>The export rows of <paramref name="frames"/>: one instance, refilled row after row (use each before the next).</summary>
    public static IEnumerable<ExportRow> Read(List<byte[]> frames, Window window)
    {
        var decoder = FrameDecoder.ForSource();
        var transformer = new RowTransformer(window);
        var row = new WireRow(Columns.Source.Length);
        var exported = new ExportRow();
        foreach (var frame in frames)
        {
            var position = 0;
            while (decoder.TryDecodeNext(frame, ref position, row))
            {
                yield return transformer.TryTransform(row, exported, out var reason) ? exported : throw new InvalidOperationException(reason);
            }
        }
    }

    private static IEnumerable<SourceRow> Generate(int count, DateTimeOffset since, DateTimeOffset until)
    {
        var random = new Random(42);
        var span = (until - since).TotalMilliseconds;
        for (var i = 0; i < count; i++)
        {
            var values = new FieldValue[Columns.Source.Length];
            foreach (var column in Columns.Source)
            {
                values[column.SourceOrdinal] = column.Nullable && random.Next(4) == 0 ? FieldValue.Null : column.Kind switch
                {
                    ColumnKind.String => FieldValue.FromText(column.Name + random.Next(1_000_000).ToString("D12", CultureInfo.InvariantCulture)),
                    ColumnKind.StringArray => FieldValue.FromArray(["010460" + random.Next(100_000), "010460" + random.Next(100_000)]),
                    ColumnKind.DateTime => FieldValue.FromNumber(since.ToUnixTimeMilliseconds() + (long)(random.NextDouble() * span)),
                    ColumnKind.Int64 => FieldValue.FromNumber(random.NextInt64()),
                    ColumnKind.UInt16 => FieldValue.FromNumber(random.Next(65536)),
                    _ => FieldValue.FromNumber(random.Next(256)),
                };
            }

            values[Columns.COrdinal] = FieldValue.FromText("0104600" + random.Next().ToString("D10", CultureInfo.InvariantCulture) + "21" + i.ToString("X8", CultureInfo.InvariantCulture));
            yield return new SourceRow(values);
        }
    }

    /// <summary>Writes the rows as the ETL writes a window's CSV (in <paramref name="dir"/>); returns its path.</summary>
    public static async Task<string> WriteCsvAsync(string dir, string prefix, IEnumerable<ExportRow> rows, Window window, CancellationToken ct)
    {
        await using var csv = new WindowCsvWriter(new ExportSettings(dir, prefix, Gzip: false), window, TimeZoneInfo.Utc, Guid.NewGuid());
        foreach (var row in rows)
        {
            await csv.WriteAsync(row, ct);
        }

        await csv.CommitAsync(ct);
        return csv.Path;
    }
}
