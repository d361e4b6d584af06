using CodesHistoryEtl.Config;

namespace CodesHistoryEtl.Tests.Config;

public sealed class EtlSettingsTests
{
    /// <summary>Loads settings from the given pairs; a later pair overrides an earlier one of the same name.</summary>
    private static EtlSettings Load(params (string Key, string Value)[] values)
    {
        var dictionary = new Dictionary<string, string>();
        foreach (var (key, value) in values)
        {
            dictionary[key] = value;
        }

        return EtlSettings.Load(dictionary);
    }

    [Fact]
    public void Defaults_match_the_python_original()
    {
        var s = Load(("PG_DSN", "postgresql://u:p@h:5432/d"), ("PQS_URL", "http://10.254.3.112:8765"));
        Assert.Equal("public.inc_processing", s.Journal.Table.ToString());
        Assert.Equal("codes_history_increment", s.ProcessName);
        Assert.Equal(5000, s.Phoenix.FetchSize);
        Assert.Equal(TimeUnits.Timestamp, s.Phoenix.TsUnits);
        Assert.Equal("TBL_JTI_TRACE_CIS_HISTORY", s.Phoenix.Table.ToString());
        Assert.Equal("opd", s.Phoenix.TsColumn.ToString());
        Assert.Equal(60, s.Window.StepMin);
        Assert.Equal("./export", s.Export.Dir);
        Assert.Equal("codes_history_", s.Export.Prefix);
        Assert.Equal("Asia/Almaty", s.Window.BusinessTz.Id);
        Assert.Equal("stg", s.ClickHouse.Database);
        Assert.Equal("daily_codes_history", s.ClickHouse.InsertTable);
    }

    [Fact]
    public void Cluster_mode_inserts_through_the_distributed_table()
    {
        var s = Load(("CH_CLUSTER", "shardless"));
        Assert.True(s.ClickHouse.IsCluster);
        Assert.Equal("daily_codes_history_all", s.ClickHouse.InsertTable);
    }

    [Theory]
    [InlineData("postgresql://etl:s3cr%40t@db.local:6432/journal?sslmode=require", "etl@db.local:6432/journal")]
    [InlineData("Host=db.local;Port=6432;Username=etl;Password=s3cr@t;Database=journal", "etl@db.local:6432/journal")]
    public void Pg_dsn_accepts_both_forms_and_displays_without_password(string dsn, string display)
    {
        var parsed = PostgresDsn.Parse("PG_DSN", dsn);
        Assert.Equal(display, parsed.Display);
        Assert.Contains("s3cr@t", parsed.ConnectionString, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr", parsed.Display, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_pg_dsn_error_names_the_variable_and_hides_the_secret()
    {
        var e = Assert.Throws<ConfigException>(() => Load(("PG_DSN", "postgresql://etl:hunter2@:bad:port/x")));
        Assert.Contains("PG_DSN", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("JOURNAL_TABLE", "public.inc; DROP TABLE x")]
    [InlineData("JOURNAL_TABLE", "a.b.c")]
    [InlineData("HBASE_MAIN_TS_COLUMN", "opd)--")]
    [InlineData("CH_TABLE", "stg.daily")]
    [InlineData("STEP_MIN", "0")]
    [InlineData("STEP_MIN", "sixty")]
    [InlineData("CH_INSERT_MIN_ROWS", "-1")]
    [InlineData("CH_INSERT_MIN_ROWS", "200k")]
    [InlineData("PHX_TS_UNITS", "seconds")]
    [InlineData("PHX_TS_UNITS", "1")]
    [InlineData("EXPORT_GZIP", "maybe")]
    [InlineData("BUSINESS_TZ", "Mars/Olympus")]
    [InlineData("CH_URL", "ftp://x")]
    [InlineData("PQS_URL", "http://user:pw@host:8765")]
    [InlineData("INITIAL_SINCE", "2025-08-01T00:00:00")]
    public void Malformed_variable_is_an_error_that_names_it(string name, string value)
    {
        var e = Assert.Throws<ConfigException>(() => Load(("PG_DSN", "postgresql://u:p@h/d"), ("PQS_URL", "http://h:8765"), (name, value)));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_variable_fails_when_asked_for_and_names_it()
    {
        var s = Load();
        Assert.Contains("PG_DSN", Assert.Throws<ConfigException>(() => s.Journal).Message, StringComparison.Ordinal);
        Assert.Contains("PQS_URL", Assert.Throws<ConfigException>(() => s.Phoenix).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Env_file_never_overrides_the_process_environment()
    {
        var dir = Directory.CreateTempSubdirectory();
        var file = Path.Combine(dir.FullName, ".env");
        var name = "ETL_TEST_" + Guid.NewGuid().ToString("N");
        File.WriteAllText(file, $"{name}=from_file\nSTEP_MIN=15   # a comment\nEXPORT_PREFIX=\"quoted_\"\n");
        Environment.SetEnvironmentVariable(name, "from_env");
        try
        {
            var values = EnvSource.Load(file);
            Assert.Equal("from_env", values[name]);
            var s = EtlSettings.Load(values.Where(kv => kv.Key is "STEP_MIN" or "EXPORT_PREFIX").ToDictionary());
            Assert.Equal(15, s.Window.StepMin);
            Assert.Equal("quoted_", s.Export.Prefix);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Missing_explicit_env_file_is_an_error()
    {
        var e = Assert.Throws<ConfigException>(() => EnvSource.Load("/nonexistent/.env"));
        Assert.Contains("/nonexistent/.env", e.Message, StringComparison.Ordinal);
    }
}
