using System.Diagnostics;
using System.Globalization;
using ClickHouseInsertBench;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

// Usage: ClickHouseInsertBench <services.env> [rows]. Inserts the same rows into the same server three
// ways, in one run, into fresh tables: the ETL's RowBinary stream (gzip and plain; rows decoded from Avatica frames
// and transformed on the way, as the ETL does) and clickhouse-client "INSERT ... FORMAT CSVWithNames" of the ETL's
// CSV file. Prints rows/s and the ratio to clickhouse-client.
var env = File.ReadAllLines(args[0]).Where(l => l.Contains('=', StringComparison.Ordinal))
    .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
var rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var ct = CancellationToken.None;
var since = new DateTimeOffset(2025, 8, 1, 10, 0, 0, TimeSpan.Zero);
var until = since.AddHours(1);
var database = "bench_ch_" + Guid.NewGuid().ToString("N")[..8];
var settings = new ClickHouseSettings(new Uri(env["CH_URL"]), env["CH_USER"], env["CH_PASSWORD"], database,
    "daily_codes_history", null, "daily_codes_history", TimeoutSec: 600);

using var admin = new ClickHouseClient(settings);
var window = new Window(since, until);
List<byte[]> frames = [];
long heapGrowth = 0;
try
{
    // Rows are encoded once, before any clock starts: both sides start from ready bytes (the file, the frames).
    frames = BenchRows.Frames(rows, since, until);
    var csvPath = await BenchRows.WriteCsvAsync(Path.GetTempPath(), database + "_", BenchRows.Read(frames, window), window, ct);
    var csvMb = new FileInfo(csvPath).Length / 1e6;

    var plain = await RowBinaryAsync(gzip: false, "rb_plain");
    var gzip = await RowBinaryAsync(gzip: true, "rb_gzip");
    var cli = await ClickHouseClientCsvAsync(csvPath, "cli_csv");
    File.Delete(csvPath);

    Console.WriteLine($"rows: {rows:N0} (CSV {csvMb:F0} MB), server {(await admin.GetServerInfoAsync(ct)).Version}");
    Console.WriteLine($"clickhouse-client, etl CSV    : {rows / cli:N0} rows/s ({cli:F2} s)");
    Console.WriteLine($"etl RowBinary, plain          : {rows / plain:N0} rows/s ({plain:F2} s) = {cli / plain:F2}x clickhouse-client");
    Console.WriteLine($"etl RowBinary, gzip           : {rows / gzip:N0} rows/s ({gzip:F2} s) = {cli / gzip:F2}x clickhouse-client");
    Console.WriteLine($"etl managed heap growth during the insert: {heapGrowth / 1e6:F1} MB (the frames are held in memory beforehand)");
}
finally
{
    foreach (var variant in new[] { "rb_plain", "rb_gzip", "cli_csv" })
    {
        await admin.ExecuteAsync("drop bench database", $"DROP DATABASE IF EXISTS {database}_{variant}", ct);
    }
}

async Task<double> RowBinaryAsync(bool gzip, string table)
{
    var tableSettings = await MigrateAsync(table);
    using var client = new ClickHouseClient(tableSettings, gzip);
    GC.Collect();
    var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    await using var insert = await new ClickHouseSink(client, "bench").BeginInsertAsync(since, until, Guid.NewGuid(), ct);
    foreach (var row in BenchRows.Read(frames, window))
    {
        await insert.WriteAsync(row, ct);
    }

    heapGrowth = Math.Max(heapGrowth, GC.GetTotalMemory(forceFullCollection: false) - heapBefore);
    await insert.CompleteAsync(ct);
    Console.WriteLine($"  {table}: {clock.Elapsed.TotalSeconds:F2} s wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F2} s CPU of the etl side");
    return clock.Elapsed.TotalSeconds;
}

async Task<double> ClickHouseClientCsvAsync(string csvPath, string table)
{
    var tableSettings = await MigrateAsync(table);
    using var client = new ClickHouseClient(tableSettings);
    var start = new ProcessStartInfo("bash", ["-c",
        $"clickhouse-client --port {env["CH_TCP_PORT"]} -u \"$CH_USER\" --password \"$CH_PASSWORD\" " +
        $"--query 'INSERT INTO {tableSettings.Database}.{tableSettings.Table} ({string.Join(", ", Columns.Target.Select(c => c.Name))}) FORMAT CSVWithNames' < '{csvPath}'"]);
    start.Environment["CH_USER"] = env["CH_USER"];
    start.Environment["CH_PASSWORD"] = env["CH_PASSWORD"];
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    await process.WaitForExitAsync(ct);
    var seconds = clock.Elapsed.TotalSeconds;
    var landed = await client.QueryLongAsync("count", $"SELECT count() FROM {tableSettings.Database}.{tableSettings.Table}", ct);
    return process.ExitCode == 0 && landed == rows ? seconds : throw new InvalidOperationException($"clickhouse-client failed ({process.ExitCode}) or loaded {landed} rows");
}

// Each variant gets its own database (holding its migrations journal too), so each migrates from scratch.
async Task<ClickHouseSettings> MigrateAsync(string variant)
{
    var own = settings with { Database = $"{database}_{variant}" };
    using var client = new ClickHouseClient(own);
    await new ClickHouseMigrator(client, MigrationContext.From(own, "Asia/Almaty", own.Database)).MigrateAsync(ct);
    return own;
}
