namespace CodesHistoryEtl.Config;

/// <summary>How the source stores its time column (PHX_TS_UNITS).</summary>
public enum TimeUnits
{
    /// <summary>A Phoenix TIMESTAMP.</summary>
    Timestamp,

    /// <summary>A BIGINT of epoch milliseconds.</summary>
    Millis,
}

/// <summary>How window bounds reach Phoenix (PHX_BIND_MODE).</summary>
public enum BindMode
{
    /// <summary>Typed parameters of a prepared statement.</summary>
    Param,

    /// <summary>UTC literals in the SQL text, for PQS JVMs not running in UTC.</summary>
    Literal,
}

public enum LogFormat
{
    Text,
    Json,
}

/// <summary>PostgreSQL journal: PG_DSN, JOURNAL_TABLE, PROCESS_NAME and the staleness limits.</summary>
public sealed record JournalSettings(
    PostgresDsn Dsn,
    SqlIdentifier Table,
    string ProcessName,
    int PlannedTtlMin,
    int HeartbeatSec,
    int HeartbeatTtlMin,
    int MaxRunHours);

/// <summary>Phoenix Query Server and the source table.</summary>
public sealed record PhoenixSettings(
    Uri Url,
    string? User,
    string? Password,
    int FetchSize,
    TimeUnits TsUnits,
    BindMode BindMode,
    SqlIdentifier Table,
    SqlIdentifier TsColumn,
    int TimeoutSec,
    int Retries);

/// <summary>ClickHouse HTTP interface and the target table.</summary>
public sealed record ClickHouseSettings(
    Uri Url,
    string User,
    string Password,
    string Database,
    string Table,
    string? Cluster,
    string InsertTable,
    int TimeoutSec,
    int InsertMinRows = ClickHouseSettings.DefaultInsertMinRows)
{
    /// <summary>CH_INSERT_MIN_ROWS: consecutive windows share one insert (one part) until it holds this many rows.</summary>
    public const int DefaultInsertMinRows = 200_000;

    public bool IsCluster => Cluster is not null;
}

/// <summary>The CSV export.</summary>
public sealed record ExportSettings(string Dir, string Prefix, bool Gzip);

/// <summary>Window planning and run limits.</summary>
public sealed record WindowSettings(
    int StepMin,
    TimeZoneInfo BusinessTz,
    int SafetyLagMin,
    int LookbackMin,
    int MaxWindowsPerRun,
    string? InitialSince,
    int MaxRejects,
    int ProgressSec);

public sealed record LoggingSettings(string Level, LogFormat Format, string? File);

/// <summary>Where alerts go: Telegram (TG_BOT_TOKEN + TG_CHAT_ID) and/or a JSON webhook; each bounded in time.</summary>
public sealed record AlertSettings(string? TelegramToken, string? TelegramChatId, Uri TelegramApi, Uri? WebhookUrl, int TimeoutSec)
{
    public bool TelegramEnabled => TelegramToken is not null && TelegramChatId is not null;
}

/// <summary>Thresholds of <c>etl health</c>.</summary>
public sealed record HealthSettings(int MaxLagMin, int RecentDays, double MinDayRowsRatio);
