using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Config;

/// <summary>
/// Every variable, read and validated once (see .env.example for the list). Sections whose required
/// variable is missing (PG_DSN, PQS_URL) fail when a command asks for them, naming the variable.
/// </summary>
public sealed class EtlSettings
{
    private readonly JournalSettings? _journal;
    private readonly PhoenixSettings? _phoenix;

    private EtlSettings(JournalSettings? journal, PhoenixSettings? phoenix, ClickHouseSettings clickHouse,
        ExportSettings export, WindowSettings window, LoggingSettings logging, AlertSettings alerts, HealthSettings health)
    {
        Alerts = alerts;
        Health = health;
        _journal = journal;
        _phoenix = phoenix;
        ClickHouse = clickHouse;
        Export = export;
        Window = window;
        Logging = logging;
    }

    public JournalSettings Journal => _journal ?? throw ConfigException.Missing("PG_DSN", "postgresql://user:pass@host:5432/db");

    public PhoenixSettings Phoenix => _phoenix ?? throw ConfigException.Missing("PQS_URL", "http://10.254.3.112:8765");

    public ClickHouseSettings ClickHouse { get; }

    public ExportSettings Export { get; }

    public WindowSettings Window { get; }

    public LoggingSettings Logging { get; }

    public AlertSettings Alerts { get; }

    public HealthSettings Health { get; }

    /// <summary>The process name: lock key, journal key, watermark key and ClickHouse job name.</summary>
    public string ProcessName { get; private init; } = "";

    /// <summary>ETL_FAILPOINT: where the process kills itself, for fault tests only (<see cref="Etl.FailPoint"/>).</summary>
    public FailPoint FailPoint { get; private init; } = FailPoint.None;

    public static EtlSettings Load(IReadOnlyDictionary<string, string> values)
    {
        var r = new SettingsReader(values);
        var processName = r.String("PROCESS_NAME", "codes_history_increment");
        var journalTable = r.Identifier("JOURNAL_TABLE", "public.inc_processing");
        var journal = r.Optional("PG_DSN") is { } dsn
            ? new JournalSettings(
                PostgresDsn.Parse("PG_DSN", dsn),
                journalTable,
                processName,
                PlannedTtlMin: r.Int("PLANNED_TTL_MIN", 30, 1, 10_080),
                HeartbeatSec: r.Int("HEARTBEAT_SEC", 15, 1, 3_600),
                HeartbeatTtlMin: r.Int("HEARTBEAT_TTL_MIN", 5, 1, 1_440),
                MaxRunHours: r.Int("MAX_RUN_HOURS", 6, 1, 168))
            : null;

        var phoenix = r.HttpUrl("PQS_URL", null) is { } pqsUrl
            ? new PhoenixSettings(
                pqsUrl,
                r.Optional("PQS_USER"),
                r.Optional("PQS_PASSWORD"),
                FetchSize: r.Int("PHX_FETCHMANY_SIZE", 5000, 1, 1_000_000),
                TsUnits: r.Enum("PHX_TS_UNITS", TimeUnits.Timestamp),
                BindMode: r.Enum("PHX_BIND_MODE", BindMode.Param),
                Table: r.Identifier("HBASE_MAIN_TABLE", "TBL_JTI_TRACE_CIS_HISTORY"),
                TsColumn: r.Identifier("HBASE_MAIN_TS_COLUMN", "opd"),
                TimeoutSec: r.Int("PQS_TIMEOUT_SEC", 660, 1, 86_400),
                Retries: r.Int("PQS_RETRIES", 3, 0, 100))
            : null;

        var chCluster = r.Optional("CH_CLUSTER");
        var chTable = ChIdentifier(r, "CH_TABLE", "daily_codes_history");
        var clickHouse = new ClickHouseSettings(
            r.HttpUrl("CH_URL", "http://127.0.0.1:8123")!,
            r.String("CH_USER", "default"),
            r.Optional("CH_PASSWORD") ?? "",
            ChIdentifier(r, "CH_DATABASE", "stg"),
            chTable,
            chCluster is null ? null : ChIdentifier(r, "CH_CLUSTER", ""),
            ChIdentifier(r, "CH_INSERT_TABLE", chCluster is null ? chTable : chTable + "_all"),
            TimeoutSec: r.Int("CH_TIMEOUT_SEC", 300, 1, 86_400),
            InsertMinRows: r.Int("CH_INSERT_MIN_ROWS", ClickHouseSettings.DefaultInsertMinRows, 0, 100_000_000));

        var export = new ExportSettings(
            r.String("EXPORT_DIR", "./export"),
            FilePrefix(r),
            r.Bool("EXPORT_GZIP", false));

        var businessTz = r.TimeZone("BUSINESS_TZ", "Asia/Almaty");
        var initialSince = r.Optional("INITIAL_SINCE");
        if (initialSince is not null && BusinessTime.TryParseInstant(initialSince, businessTz) is null)
        {
            throw ConfigException.Invalid("INITIAL_SINCE", initialSince, "an instant such as " + BusinessTime.Example);
        }

        var window = new WindowSettings(
            StepMin: StepMinutes(r),
            businessTz,
            SafetyLagMin: r.Int("SAFETY_LAG_MIN", 10, 0, 10_080),
            LookbackMin: r.Int("LOOKBACK_MIN", 0, 0, 43_200),
            MaxWindowsPerRun: r.Int("MAX_WINDOWS_PER_RUN", 48, 1, 100_000),
            initialSince,
            MaxRejects: r.Int("MAX_REJECTS", 0, 0, int.MaxValue),
            ProgressSec: r.Int("PROGRESS_SEC", 30, 1, 86_400));

        var logging = new LoggingSettings(
            r.Enum("LOG_LEVEL", Serilog.Events.LogEventLevel.Information).ToString(),
            r.Enum("LOG_FORMAT", LogFormat.Text),
            r.Optional("LOG_FILE"));

        var alerts = new AlertSettings(
            r.Optional("TG_BOT_TOKEN"),
            r.Optional("TG_CHAT_ID"),
            r.HttpUrl("TG_API_URL", "https://api.telegram.org")!,
            r.HttpUrl("ALERT_WEBHOOK_URL", null),
            TimeoutSec: r.Int("ALERT_TIMEOUT_SEC", 10, 1, 300));
        if ((alerts.TelegramToken is null) != (alerts.TelegramChatId is null))
        {
            throw new ConfigException("TG_BOT_TOKEN and TG_CHAT_ID go together: set both to send Telegram alerts, or neither");
        }

        var health = new HealthSettings(
            MaxLagMin: r.Int("HEALTH_MAX_LAG_MIN", 180, 1, 525_600),
            RecentDays: r.Int("HEALTH_RECENT_DAYS", 7, 1, 90),
            MinDayRowsRatio: r.Int("HEALTH_MIN_DAY_ROWS_PCT", 50, 0, 100) / 100.0);

        return new EtlSettings(journal, phoenix, clickHouse, export, window, logging, alerts, health) 
        {
            ProcessName = processName,
            FailPoint = FailPoint.Parse("ETL_FAILPOINT", r.Optional("ETL_FAILPOINT")),
        };
    }

    private static string ChIdentifier(SettingsReader r, string name, string fallback)
    {
        var identifier = r.Identifier(name, fallback);
        return identifier.Schema is null
            ? identifier.Name
            : throw ConfigException.Invalid(name, identifier.ToString(), "a plain name without a dot (the database is CH_DATABASE)");
    }

    private static int StepMinutes(SettingsReader r)
    {
        var step = r.Int("STEP_MIN", 60, 1, 1_440);
        return 1_440 % step == 0
            ? step
            : throw ConfigException.Invalid("STEP_MIN", step.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "a number of minutes that divides a day (such as 5, 10, 15, 30, 60, 120, 1440), so windows align to business midnight");
    }

    private static string FilePrefix(SettingsReader r)
    {
        var prefix = r.String("EXPORT_PREFIX", "codes_history_");
        return prefix.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && !prefix.Contains('/', StringComparison.Ordinal)
            ? prefix
            : throw ConfigException.Invalid("EXPORT_PREFIX", prefix, "a file name prefix without slashes");
    }
}
