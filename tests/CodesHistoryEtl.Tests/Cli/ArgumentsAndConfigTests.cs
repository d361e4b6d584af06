using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Cli;

/// <summary>Bad arguments and bad configuration, through the real exe: a clear message naming the input, the documented exit code.</summary>
public sealed class ArgumentsAndConfigTests
{
    private static readonly Dictionary<string, string> Minimal = new()
    {
        ["PG_DSN"] = "postgresql://etl:pw@127.0.0.1:1/none",
        ["PQS_URL"] = "http://127.0.0.1:1",
    };

    private static Dictionary<string, string> With(string key, string value) => new(Minimal) { [key] = value };

    [Fact]
    public async Task Help_and_version_work_without_any_configuration()
    {
        var help = await EtlProcess.RunAsync(new Dictionary<string, string>(), "--help");
        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        Assert.Contains("--migrate-only", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("run", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("75 busy", help.Stdout, StringComparison.Ordinal);

        var version = await EtlProcess.RunAsync(new Dictionary<string, string>(), "--version");
        Assert.Equal(ExitCodes.Ok, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "--bogus")]
    [InlineData(new[] { "run", "--since", "yesterday", "--until", "2025-08-02" }, "--since 'yesterday' is not a time")]
    [InlineData(new[] { "run", "--since", "2025-08-01T00:00:00", "--until", "2025-08-02" }, "--since '2025-08-01T00:00:00' is not a time")]
    [InlineData(new[] { "run", "--since", "2025-08-01" }, "--since and --until go together")]
    [InlineData(new[] { "run", "--since", "2025-08-02", "--until", "2025-08-01" }, "--until")]
    [InlineData(new[] { "run", "--since", "2025-08-01T10:17:00+05:00", "--until", "2025-08-02" }, "not on the 60-minute window grid")]
    [InlineData(new[] { "run", "--since", "2025-08-01", "--until", "2025-08-02", "--step-min", "7" }, "--step-min 7 must divide a day")]
    [InlineData(new[] { "run", "--step-min", "sixty" }, "sixty")]
    [InlineData(new[] { "status", "--runs", "0" }, "--runs 0")]
    public async Task Malformed_or_contradictory_arguments_exit_64_naming_them(string[] args, string expected)
    {
        var (code, _, stderr) = await EtlProcess.RunAsync(Minimal, args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("STEP_MIN", "0")]
    [InlineData("PHX_TS_UNITS", "seconds")]
    [InlineData("JOURNAL_TABLE", "x; drop table y")]
    [InlineData("CH_URL", "not a url")]
    [InlineData("BUSINESS_TZ", "Nowhere/Nothing")]
    [InlineData("MAX_REJECTS", "-1")]
    [InlineData("EXPORT_GZIP", "perhaps")]
    [InlineData("TG_BOT_TOKEN", "123:abc")]
    public async Task Malformed_variable_exits_78_naming_it(string key, string value)
    {
        var (code, _, stderr) = await EtlProcess.RunAsync(With(key, value), "run", "--since", "2025-08-01", "--until", "2025-08-02");
        Assert.Equal(ExitCodes.Config, code);
        Assert.Contains(key, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PG_DSN")]
    [InlineData("PQS_URL")]
    public async Task Missing_required_variable_exits_78_naming_it(string key)
    {
        var environment = new Dictionary<string, string>(Minimal);
        environment.Remove(key);
        var (code, _, stderr) = await EtlProcess.RunAsync(environment, "run", "--since", "2025-08-01", "--until", "2025-08-02");
        Assert.Equal(ExitCodes.Config, code);
        Assert.Contains($"{key} is required", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_env_file_exits_78_naming_it()
    {
        var (code, _, stderr) = await EtlProcess.RunAsync(Minimal, "--env", "/nonexistent/etl.env", "status");
        Assert.Equal(ExitCodes.Config, code);
        Assert.Contains("/nonexistent/etl.env", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_file_is_read_and_the_environment_wins_over_it()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "STEP_MIN=7\nPHX_TS_UNITS=timestamp\n", TestContext.Current.CancellationToken);
        try
        {
            var (code, _, stderr) = await EtlProcess.RunAsync(Minimal, "--env", file, "run", "--since", "2025-08-01", "--until", "2025-08-02");
            Assert.Equal(ExitCodes.Config, code);
            Assert.Contains("STEP_MIN", stderr, StringComparison.Ordinal);

            var overridden = await EtlProcess.RunAsync(With("STEP_MIN", "abc"), "--env", file, "run", "--since", "2025-08-01", "--until", "2025-08-02");
            Assert.Contains("STEP_MIN='abc'", overridden.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Secret_in_a_malformed_dsn_is_not_echoed()
    {
        var (code, stdout, stderr) = await EtlProcess.RunAsync(With("PG_DSN", "postgresql://etl:Sup3rSecret@host:notaport/db"), "status");
        Assert.Equal(ExitCodes.Config, code);
        Assert.DoesNotContain("Sup3rSecret", stdout + stderr, StringComparison.Ordinal);
    }
}
