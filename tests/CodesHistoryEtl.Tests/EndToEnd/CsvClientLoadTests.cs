using System.Diagnostics;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.EndToEnd;

/// <summary>
/// A window's CSV, piped into the real <c>clickhouse-client ... FORMAT CSVWithNames</c> (the binary, which parses
/// the CSV itself), loads into an empty copy of the table with exactly the values the ETL inserted.
/// </summary>
public sealed class CsvClientLoadTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Fact]
    public async Task The_csv_loaded_with_clickhouse_client_equals_what_the_etl_inserted()
    {
        var windows = E2eRows.Windows();
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, E2eRows.For(windows));
        var run = await pipeline.RunAsync("run", "--since", E2eRows.Since, "--until", E2eRows.Until);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);

        foreach (var window in windows)
        {
            var copy = $"{pipeline.ChDatabase}.client_copy";
            await clickHouse.QueryAsync($"DROP TABLE IF EXISTS {copy}");
            await clickHouse.QueryAsync($"CREATE TABLE {copy} ({StoredValues.TargetColumnsDdl()}) ENGINE = MergeTree ORDER BY c");
            await LoadWithClientAsync(ExportFileNames.Csv(pipeline.Export, window, Pipeline.Almaty), $"INSERT INTO {copy} FORMAT CSVWithNames");

            var opd = $"opd >= toDateTime({window.Since.ToUnixTimeSeconds()}) AND opd < toDateTime({window.Until.ToUnixTimeSeconds()})";
            var inserted = (await StoredValues.ReadWhereAsync(clickHouse, pipeline.Table, opd, "c")).Select(StoredValues.Canonical).Order(StringComparer.Ordinal).ToList();
            var loaded = (await StoredValues.ReadAsync(clickHouse, copy, "c")).Select(StoredValues.Canonical).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(inserted);
            Assert.Equal(inserted, loaded);
        }
    }

    private static async Task LoadWithClientAsync(string csv, string query)
    {
        var port = TestServers.Get("CH_TCP_PORT") ?? "9000";
        var start = new ProcessStartInfo("clickhouse-client") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--host", "127.0.0.1", "--port", port, "--user", TestServers.Get("CH_USER") ?? "default",
                     "--password", TestServers.Get("CH_PASSWORD") ?? "", "--query", query })
        {
            start.ArgumentList.Add(arg);
        }

        using var client = Process.Start(start)!;
        var errors = client.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await using (var file = File.OpenRead(csv))
        {
            await file.CopyToAsync(client.StandardInput.BaseStream, TestContext.Current.CancellationToken);
        }

        client.StandardInput.Close();
        await client.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(client.ExitCode == 0, $"clickhouse-client failed ({client.ExitCode}): {await errors}");
    }
}
