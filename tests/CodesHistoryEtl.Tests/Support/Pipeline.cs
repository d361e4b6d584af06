using System.Globalization;
using System.IO.Compression;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Csv;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// One test's whole stack for end-to-end and fault tests: the simulator serving given source rows, a fresh
/// PostgreSQL database, a fresh ClickHouse database, an export directory, and the environment the real
/// <c>etl</c> exe runs with (<see cref="Env"/>, add to it before starting a run). <see cref="AssertParityAsync"/>
/// checks what landed against the source: every accepted row of a window exactly once in its CSV and in ClickHouse.
/// </summary>
public sealed class Pipeline : IAsyncDisposable
{
    public static readonly TimeZoneInfo Almaty = TimeZoneInfo.FindSystemTimeZoneById("Asia/Almaty");

    private readonly ClickHouseFixture _clickHouse;

    private Pipeline(ClickHouseFixture clickHouse, PhoenixSimulator sim, string pgDsn, string chDatabase, DirectoryInfo exportDir, string processName)
    {
        _clickHouse = clickHouse;
        Sim = sim;
        PgDsn = pgDsn;
        ChDatabase = chDatabase;
        ExportDir = exportDir.FullName;
        ProcessName = processName;
        Journal = new JournalSettings(PostgresDsn.Parse("PG_DSN", pgDsn), SqlIdentifier.Parse("JOURNAL_TABLE", "public.inc_processing"),
            processName, PlannedTtlMin: 30, HeartbeatSec: 1, HeartbeatTtlMin: 5, MaxRunHours: 6);
    }

    public PhoenixSimulator Sim { get; }

    /// <summary>URI DSN of this test's own database (holds the test password).</summary>
    public string PgDsn { get; }

    public string ChDatabase { get; }

    /// <summary>The target table the ETL writes (and reads back through in single-node mode).</summary>
    public string Table => $"{ChDatabase}.daily_codes_history";

    public string ExportDir { get; }

    public string ProcessName { get; }

    public JournalSettings Journal { get; }

    /// <summary>The variables the etl process gets (and nothing else): change them before starting a run.</summary>
    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

    public ExportSettings Export => new(ExportDir, Env.GetValueOrDefault("EXPORT_PREFIX", "codes_history_"),
        string.Equals(Env.GetValueOrDefault("EXPORT_GZIP"), "true", StringComparison.OrdinalIgnoreCase));

    public static async Task<Pipeline> StartAsync(PostgresFixture postgres, ClickHouseFixture clickHouse, IEnumerable<SourceRow> rows,
        TimeUnits units = TimeUnits.Timestamp, bool cluster = false)
    {
        postgres.Require();
        clickHouse.Require();
        var sim = new PhoenixSimulator(new SimDataSet(rows, new SimOptions { TsUnits = units }));
        await sim.StartAsync(0, TestContext.Current.CancellationToken);
        var pipeline = new Pipeline(clickHouse, sim, await postgres.CreateDatabaseAsync(), await clickHouse.CreateDatabaseAsync(cluster),
            Directory.CreateTempSubdirectory("etl-e2e-"), "e2e_" + Guid.NewGuid().ToString("N")[..8]);
        var env = pipeline.Env;
        env["PG_DSN"] = pipeline.PgDsn;
        env["PROCESS_NAME"] = pipeline.ProcessName;
        env["PQS_URL"] = sim.Url.ToString();
        env["PHX_TS_UNITS"] = units.ToString().ToLowerInvariant();
        env["PHX_FETCHMANY_SIZE"] = "500";
        env["CH_URL"] = clickHouse.Url.ToString();
        env["CH_USER"] = clickHouse.User;
        env["CH_PASSWORD"] = clickHouse.Password;
        env["CH_DATABASE"] = pipeline.ChDatabase;
        env["CH_TIMEOUT_SEC"] = "60";
        // each window its own insert, so a fault lands between windows a test can name; BatchedWindowTests cover the default
        env["CH_INSERT_MIN_ROWS"] = "0";
        env["EXPORT_DIR"] = pipeline.ExportDir;
        env["HEARTBEAT_SEC"] = "1";
        env["PROGRESS_SEC"] = "1";
        env["LOG_LEVEL"] = "debug";
        if (cluster)
        {
            env["CH_CLUSTER"] = clickHouse.Cluster;
        }

        return pipeline;
    }

    /// <summary>Runs <c>etl ARGS</c> to its end with <see cref="Env"/>.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => EtlProcess.RunAsync(Env, args);

    /// <summary>Starts <c>etl ARGS</c> with <see cref="Env"/> (to signal it, kill it, or race it).</summary>
    public EtlProcess Start(params string[] args) => EtlProcess.Start(Env, args);

    /// <summary>The business-day windows of STEP_MIN=60 covering <c>[since, until)</c> given as business dates.</summary>
    public static IReadOnlyList<Window> Hours(string since, string until, int stepMin = 60) =>
        new WindowPlanner(TimeSpan.FromMinutes(stepMin), Almaty).Plan(Day(since), Day(until));

    /// <summary>The start of a business day (Asia/Almaty) as an instant.</summary>
    public static DateTimeOffset Day(string date) =>
        BusinessTime.StartOfDay(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture), Almaty);

    public Task<DateTimeOffset?> WatermarkAsync() => new WatermarkStore(Journal).GetAsync(ProcessName, TestContext.Current.CancellationToken);

    /// <summary>The journal's runs, newest first (empty before the schema exists).</summary>
    public Task<IReadOnlyList<RunRow>> RunsAsync() => new JournalReader(Journal).RecentRunsAsync(100, TestContext.Current.CancellationToken);

    /// <summary>The export rows the ETL must produce for <paramref name="window"/>: the source rows it accepts, transformed.</summary>
    public IReadOnlyList<ExportRow> Expected(Window window)
    {
        var transformer = new RowTransformer(window);
        var rows = new List<ExportRow>();
        foreach (var row in Sim.Data.RowsIn(window.Since, window.Until))
        {
            if (WireRows.Transform(transformer, row, out _) is { } exported)
            {
                rows.Add(exported);
            }
        }

        return rows;
    }

    /// <summary>Rows of the target table in <c>[since, until)</c> on opd.</summary>
    public async Task<long> CountAsync(Window window) =>
        long.Parse((await _clickHouse.QueryAsync($"SELECT count() FROM {Table} WHERE {OpdIn(window)}")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// For each window: its CSV file exists and, loaded with FORMAT CSVWithNames into an empty copy of the
    /// table, holds exactly the expected rows; ClickHouse holds exactly the expected rows on its opd range
    /// (values equal, each row once); and no temporary file is visible in the export directory.
    /// </summary>
    public async Task AssertParityAsync(IEnumerable<Window> windows)
    {
        AssertNoTemporaryFiles();
        var copy = $"{ChDatabase}.csv_copy";
        foreach (var window in windows)
        {
            var expected = Expected(window).Select(StoredValues.Canonical).Order(StringComparer.Ordinal).ToList();

            var stored = await StoredValues.ReadWhereAsync(_clickHouse, Table, OpdIn(window), "c");
            AssertSameRows($"ClickHouse {Table} window {window}", expected, stored.Select(StoredValues.Canonical));

            var csv = ExportFileNames.Csv(Export, window, Almaty);
            Assert.True(File.Exists(csv), $"window {window}: no CSV file {csv}");
            await _clickHouse.QueryAsync($"DROP TABLE IF EXISTS {copy}");
            await _clickHouse.QueryAsync($"CREATE TABLE {copy} ({StoredValues.TargetColumnsDdl()}) ENGINE = MergeTree ORDER BY c");
            await _clickHouse.QueryAsync($"INSERT INTO {copy} FORMAT CSVWithNames", await ReadCsvAsync(csv));
            var loaded = await StoredValues.ReadAsync(_clickHouse, copy, "c");
            AssertSameRows($"CSV {Path.GetFileName(csv)}", expected, loaded.Select(StoredValues.Canonical));
        }
    }

    /// <summary>Only final files are visible: no temporary file a reader could mistake for data.</summary>
    public void AssertNoTemporaryFiles()
    {
        var temporaries = Directory.Exists(ExportDir) ? Directory.GetFiles(ExportDir, "*.tmp") : [];
        Assert.True(temporaries.Length == 0, "temporary files left visible: " + string.Join(", ", temporaries.Select(Path.GetFileName)));
    }

    public async ValueTask DisposeAsync()
    {
        await Sim.DisposeAsync();
        if (Directory.Exists(ExportDir))
        {
            Directory.Delete(ExportDir, recursive: true);
        }
    }

    private static string OpdIn(Window window) =>
        $"opd >= toDateTime({window.Since.ToUnixTimeSeconds()}) AND opd < toDateTime({window.Until.ToUnixTimeSeconds()})";

    private static async Task<string> ReadCsvAsync(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            return await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        }

        await using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    private static void AssertSameRows(string where, List<string> expected, IEnumerable<string> actualRows)
    {
        var actual = actualRows.Order(StringComparer.Ordinal).ToList();
        var missing = expected.Except(actual, StringComparer.Ordinal).Take(1).ToList();
        var extra = actual.Except(expected, StringComparer.Ordinal).Take(1).ToList();
        Assert.True(expected.SequenceEqual(actual, StringComparer.Ordinal),
            $"{where}: expected {expected.Count} rows, found {actual.Count}" +
            (missing.Count > 0 ? $"; missing e.g. {missing[0]}" : "") +
            (extra.Count > 0 ? $"; unexpected e.g. {extra[0]}" : "") +
            (missing.Count == 0 && extra.Count == 0 ? "; same rows but not each exactly once (duplicates)" : ""));
    }
}
