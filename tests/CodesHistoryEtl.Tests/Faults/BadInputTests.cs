using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// Every malformed or contradictory argument (exit 64) and every missing or malformed variable (exit 78), with the
/// real servers reachable: a message naming what is wrong, no secret echoed, and nothing written anywhere.
/// </summary>
public sealed class BadInputTests(UntouchedTargets targets) : IClassFixture<UntouchedTargets>
{
    private const string Secret = "Sup3rSecret";
    private static readonly string[] Day = ["run", "--since", "2025-08-01", "--until", "2025-08-02"];

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["run", "--since", "yesterday", "--until", "2025-08-02"], "--since 'yesterday' is not a time" },
        { ["run", "--since", "2025-08-01T00:00:00", "--until", "2025-08-02"], "--since '2025-08-01T00:00:00' is not a time" },
        { ["run", "--since", "2025-02-30", "--until", "2025-03-02"], "--since '2025-02-30' is not a time" },
        { ["run", "--since", "2025-08-01T25:00:00Z", "--until", "2025-08-02"], "--since '2025-08-01T25:00:00Z' is not a time" },
        { ["run", "--since", "2025-08-01", "--until", ""], "--until '' is not a time" },
        { ["run", "--since", "2025-08-01"], "--since and --until go together (got only --since)" },
        { ["run", "--until", "2025-08-01"], "--since and --until go together (got only --until)" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-01"], "must be after --since" },
        { ["run", "--since", "2025-08-02", "--until", "2025-08-01"], "must be after --since" },
        { ["run", "--since", "2025-08-01T10:17:00+05:00", "--until", "2025-08-02"], "--since 2025-08-01T05:17:00.0000000+00:00 is not on the 60-minute window grid" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-01T10:30:00+05:00"], "--until 2025-08-01T05:30:00.0000000+00:00 is not on the 60-minute window grid" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-02", "--step-min", "0"], "--step-min 0 must divide a day" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-02", "--step-min", "-5"], "--step-min -5 must divide a day" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-02", "--step-min", "7"], "--step-min 7 must divide a day" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-02", "--step-min", "1441"], "--step-min 1441 must divide a day" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-02", "--step-min", "sixty"], "sixty" },
        { ["run", "--since", "2025-08-01", "--until", "2025-08-02", "--bogus"], "--bogus" },
        { ["run", "extra"], "extra" },
        { ["frobnicate"], "frobnicate" },
        { ["status", "--runs", "0"], "--runs 0" },
        { ["status", "--runs", "-1"], "--runs -1" },
        { ["status", "--runs", "many"], "many" },
    };

    public static TheoryData<string, string?, string> BadVariables => new()
    {
        { "PG_DSN", null, "PG_DSN is required" },
        { "PG_DSN", "not a dsn", "PG_DSN is not a valid PostgreSQL DSN" },
        { "PG_DSN", $"postgresql://etl:{Secret}@host:notaport/db", "PG_DSN is not a valid PostgreSQL DSN" },
        { "PG_DSN", $"postgresql://etl:{Secret}@/db", "PG_DSN is not a valid PostgreSQL DSN" },
        { "PG_DSN", $"Host=;Username=etl;Password={Secret}", "PG_DSN is not a valid PostgreSQL DSN" },
        { "PG_DSN", $"postgresql://etl:{Secret}@127.0.0.1/db?sslmode=sometimes", "PG_DSN is not a valid PostgreSQL DSN" },
        { "JOURNAL_TABLE", "x; drop table y", "JOURNAL_TABLE" },
        { "JOURNAL_TABLE", "public.inc\"; DROP TABLE t; --", "JOURNAL_TABLE" },
        { "JOURNAL_TABLE", "a.b.c", "JOURNAL_TABLE" },
        { "JOURNAL_TABLE", "1abc", "JOURNAL_TABLE" },
        { "PLANNED_TTL_MIN", "0", "PLANNED_TTL_MIN" },
        { "HEARTBEAT_SEC", "abc", "HEARTBEAT_SEC" },
        { "HEARTBEAT_TTL_MIN", "99999", "HEARTBEAT_TTL_MIN" },
        { "MAX_RUN_HOURS", "-1", "MAX_RUN_HOURS" },
        { "PQS_URL", null, "PQS_URL is required" },
        { "PQS_URL", "ftp://10.0.0.1:8765", "PQS_URL" },
        { "PQS_URL", $"http://phoenix:{Secret}@10.0.0.1:8765", "PQS_URL must not carry credentials" },
        { "PQS_TIMEOUT_SEC", "0", "PQS_TIMEOUT_SEC" },
        { "PQS_RETRIES", "101", "PQS_RETRIES" },
        { "PHX_FETCHMANY_SIZE", "0", "PHX_FETCHMANY_SIZE" },
        { "PHX_TS_UNITS", "seconds", "PHX_TS_UNITS" },
        { "PHX_BIND_MODE", "1", "PHX_BIND_MODE" },
        { "HBASE_MAIN_TABLE", "T; DROP TABLE T", "HBASE_MAIN_TABLE" },
        { "HBASE_MAIN_TS_COLUMN", "opd--", "HBASE_MAIN_TS_COLUMN" },
        { "STEP_MIN", "7", "STEP_MIN" },
        { "STEP_MIN", "0", "STEP_MIN" },
        { "BUSINESS_TZ", "Nowhere/Nothing", "BUSINESS_TZ" },
        { "SAFETY_LAG_MIN", "ten", "SAFETY_LAG_MIN" },
        { "LOOKBACK_MIN", "-1", "LOOKBACK_MIN" },
        { "MAX_WINDOWS_PER_RUN", "0", "MAX_WINDOWS_PER_RUN" },
        { "INITIAL_SINCE", "2025-13-01", "INITIAL_SINCE" },
        { "MAX_REJECTS", "1.5", "MAX_REJECTS" },
        { "PROGRESS_SEC", "0", "PROGRESS_SEC" },
        { "EXPORT_PREFIX", "a/b", "EXPORT_PREFIX" },
        { "EXPORT_GZIP", "perhaps", "EXPORT_GZIP" },
        { "CH_URL", "not a url", "CH_URL" },
        { "CH_URL", $"http://default:{Secret}@127.0.0.1:8123", "CH_URL must not carry credentials" },
        { "CH_DATABASE", "stg.x", "CH_DATABASE" },
        { "CH_TABLE", "t\"x", "CH_TABLE" },
        { "CH_CLUSTER", "c'l", "CH_CLUSTER" },
        { "CH_INSERT_TABLE", "x y", "CH_INSERT_TABLE" },
        { "CH_TIMEOUT_SEC", "0", "CH_TIMEOUT_SEC" },
        { "LOG_LEVEL", "loud", "LOG_LEVEL" },
        { "LOG_FORMAT", "xml", "LOG_FORMAT" },
        { "TG_BOT_TOKEN", $"123:{Secret}", "TG_BOT_TOKEN and TG_CHAT_ID go together" },
        { "TG_CHAT_ID", "-100123", "TG_BOT_TOKEN and TG_CHAT_ID go together" },
        { "TG_API_URL", "file:///etc/passwd", "TG_API_URL" },
        { "ALERT_WEBHOOK_URL", "javascript:alert(1)", "ALERT_WEBHOOK_URL" },
        { "ALERT_TIMEOUT_SEC", "301", "ALERT_TIMEOUT_SEC" },
        { "HEALTH_MAX_LAG_MIN", "0", "HEALTH_MAX_LAG_MIN" },
        { "HEALTH_RECENT_DAYS", "91", "HEALTH_RECENT_DAYS" },
        { "HEALTH_MIN_DAY_ROWS_PCT", "101", "HEALTH_MIN_DAY_ROWS_PCT" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Malformed_or_contradictory_arguments_exit_64_naming_them_and_write_nothing(string[] args, string expected)
    {
        var (code, stdout, stderr) = await targets.Pipeline.RunAsync(args);

        Assert.True(code == ExitCodes.Usage, $"exit {code}: {stderr}");
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        await targets.AssertNothingWrittenAsync(string.Join(' ', args));
    }

    [Theory]
    [MemberData(nameof(BadVariables))]
    public async Task Missing_or_malformed_variable_exits_78_naming_it_and_writes_nothing(string variable, string? value, string expected)
    {
        var environment = new Dictionary<string, string>(targets.Pipeline.Env);
        if (value is null)
        {
            environment.Remove(variable);
        }
        else
        {
            environment[variable] = value;
        }

        var (code, stdout, stderr) = await EtlProcess.RunAsync(environment, Day);

        Assert.True(code == ExitCodes.Config, $"exit {code}: {stderr}");
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        await targets.AssertNothingWrittenAsync($"{variable}={value}");
    }

    [Fact]
    public async Task Missing_env_file_exits_78_naming_it_and_writes_nothing()
    {
        var (code, _, stderr) = await targets.Pipeline.RunAsync(["--env", "/nonexistent/etl.env", .. Day]);

        Assert.True(code == ExitCodes.Config, $"exit {code}: {stderr}");
        Assert.Contains("--env file '/nonexistent/etl.env' does not exist", stderr, StringComparison.Ordinal);
        await targets.AssertNothingWrittenAsync("--env");
    }
}
