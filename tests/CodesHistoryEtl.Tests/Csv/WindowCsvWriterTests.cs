using System.IO.Compression;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Csv;

public sealed class WindowCsvWriterTests(ClickHouseFixture clickHouse) : IDisposable
{
    private static readonly TimeZoneInfo Almaty = TimeZoneInfo.FindSystemTimeZoneById("Asia/Almaty");
    private static readonly Window Hour = new(DateTimeOffset.Parse("2025-08-01T18:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset.Parse("2025-08-01T19:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("etl-csv-");

    public void Dispose() => _dir.Delete(recursive: true);

    private ExportSettings Export(bool gzip = false) => new(_dir.FullName, "codes_history_", gzip);

    private static List<ExportRow> Transform(IEnumerable<SourceRow> rows) => WireRows.Export(Hour, rows);

    private async Task<string> WriteAsync(ExportSettings export, IEnumerable<ExportRow> rows)
    {
        await using var writer = new WindowCsvWriter(export, Hour, Almaty, Guid.NewGuid());
        foreach (var row in rows)
        {
            await writer.WriteAsync(row, TestContext.Current.CancellationToken);
        }

        await writer.CommitAsync(TestContext.Current.CancellationToken);
        return writer.Path;
    }

    [Fact]
    public void File_name_is_prefix_business_date_and_hours_with_midnight_as_2400()
    {
        Assert.Equal(Path.Combine(_dir.FullName, "codes_history_20250801_2300-2400.csv"), ExportFileNames.Csv(Export(), Hour, Almaty));
        Assert.Equal(Path.Combine(_dir.FullName, "codes_history_20250801_2300-2400.csv.gz"), ExportFileNames.Csv(Export(gzip: true), Hour, Almaty));
        Assert.Equal(Path.Combine(_dir.FullName, "codes_history_20250801_2300-2400.rejects.jsonl"), ExportFileNames.Rejects(Export(), Hour, Almaty));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Csv_loads_back_into_clickhouse_with_identical_values(bool gzip)
    {
        var rows = Transform(SampleRows.Tricky(Hour));
        var path = await WriteAsync(Export(gzip), rows);
        var csv = gzip ? await ReadGzipAsync(path) : await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);

        var db = await clickHouse.CreateDatabaseAsync();
        await clickHouse.QueryAsync($"CREATE TABLE {db}.copy ({StoredValues.TargetColumnsDdl()}) ENGINE = MergeTree ORDER BY (c, t)");
        await clickHouse.QueryAsync($"INSERT INTO {db}.copy FORMAT CSVWithNames", csv);

        var stored = await StoredValues.ReadAsync(clickHouse, $"{db}.copy", "c, t");
        var expected = rows.OrderBy(r => r.SourceValue("c").Text, StringComparer.Ordinal).ThenBy(r => r.SourceValue("t").Number).ToList();
        Assert.Equal(expected.Count, stored.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            StoredValues.AssertEqual(expected[i], stored[i]);
        }
    }

    [Fact]
    public async Task Uncommitted_writer_leaves_no_file_and_commit_replaces_the_old_one_whole()
    {
        var export = Export();
        var rows = Transform(SampleRows.Tricky(Hour));
        var path = await WriteAsync(export, rows);
        var before = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);

        await using (var abandoned = new WindowCsvWriter(export, Hour, Almaty, Guid.NewGuid()))
        {
            await abandoned.WriteAsync(rows[0], TestContext.Current.CancellationToken);
        }

        Assert.Equal(before, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal([Path.GetFileName(path)], _dir.GetFiles().Select(f => f.Name));

        await WriteAsync(export, rows.Skip(1).Take(1)); // a row without embedded newlines
        Assert.Equal(2, (await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken)).Length);
        Assert.Single(_dir.GetFiles());
    }

    [Fact]
    public async Task Rejects_are_json_lines_with_reason_and_row_and_a_clean_rerun_removes_them()
    {
        var export = Export();
        var bad = SampleRows.Make("bad", 1, Hour.Since, ("st", SampleRows.Number(-5)), ("rn", SampleRows.Text("x\uD800")));
        await using (var rejects = new RejectsWriter(export, Hour, Almaty, Guid.NewGuid()))
        {
            await rejects.WriteAsync(new RejectedRow(bad, "st: -5 is outside 0..255"), TestContext.Current.CancellationToken);
            await rejects.CommitAsync(TestContext.Current.CancellationToken);
        }

        var path = ExportFileNames.Rejects(export, Hour, Almaty);
        var line = Assert.Single(await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken));
        using var json = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("st: -5 is outside 0..255", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(-5, json.RootElement.GetProperty("row").GetProperty("st").GetInt32());
        Assert.Equal("bad", json.RootElement.GetProperty("row").GetProperty("c").GetString());

        await using (var clean = new RejectsWriter(export, Hour, Almaty, Guid.NewGuid()))
        {
            await clean.CommitAsync(TestContext.Current.CancellationToken);
        }

        Assert.False(File.Exists(path));
    }

    private static async Task<string> ReadGzipAsync(string path)
    {
        await using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }
}
