using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.ClickHouse;

public sealed class ClickHouseClientTests(ClickHouseFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ClickHouseClient Client(string? password = null, HttpMessageHandler? handler = null)
    {
        fixture.Require();
        return new ClickHouseClient(ClickHouseTestTarget.SettingsFor(fixture, "default", null, password), handler: handler);
    }

    [Fact]
    public async Task Bad_sql_throws_with_code_62_and_the_query()
    {
        using var client = Client();
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => client.QueryAsync("probe", "SELEC 1", null, Ct));
        Assert.Equal(62, e.Code);
        Assert.Equal("SELEC 1", e.Query);
        Assert.Equal("probe", e.Operation);
        Assert.Contains("Syntax error", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_after_rows_started_streaming_is_an_exception()
    {
        using var client = Client();
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => client.QueryAsync("probe",
            "SELECT throwIf(number = 100000) FROM system.numbers LIMIT 200000 FORMAT TabSeparated", null, Ct));
        Assert.Equal(395, e.Code);
    }

    [Fact]
    public async Task Integer_queries_return_the_row_s_numbers_and_refuse_another_shape()
    {
        using var client = Client();
        var both = await client.QueryLongsAsync("probe", "SELECT 7, -2", 2, Ct);
        Assert.Equal(new[] { 7L, -2L }, both);
        Assert.Equal(42, await client.QueryLongAsync("probe", "SELECT 42", Ct));

        var e = await Assert.ThrowsAsync<ClickHouseException>(() => client.QueryLongsAsync("probe", "SELECT 7", 2, Ct));
        Assert.Contains("(unexpected answer): expected 2 integers, got '7'", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<ClickHouseException>(() => client.QueryLongAsync("probe", "SELECT 'x'", Ct));
        Assert.Contains("expected one integer, got 'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detects_the_server_version_and_its_settings()
    {
        using var client = Client();
        var server = await client.GetServerInfoAsync(Ct);
        Assert.Equal(fixture.Version, server.Version.Text);
        Assert.Equal(server.Version.IsAtLeast(new ServerVersion(21, 11, "21.11")), server.Knows("async_insert"));
        Assert.True(server.Knows("insert_distributed_sync"));
    }

    [Fact]
    public async Task A_wrong_password_fails_without_revealing_it_anywhere()
    {
        const string secret = "not-the-password-7f3a";
        var handler = new RecordingHandler();
        using var client = Client(secret, handler);
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => client.QueryAsync("probe", "SELECT 1", null, Ct));
        Assert.Equal(fixture.Version.StartsWith("18.", StringComparison.Ordinal) ? 193 : 516, e.Code);
        Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(handler.Sent);
        Assert.All(handler.Sent, sent => Assert.DoesNotContain(secret, sent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_server_is_a_ClickHouseException_naming_the_endpoint()
    {
        var settings = ClickHouseTestTarget.SettingsFor(fixture, "default", null) with { Url = new Uri("http://127.0.0.1:1") };
        using var client = new ClickHouseClient(settings);
        var e = await Assert.ThrowsAsync<ClickHouseException>(() => client.QueryAsync("probe", "SELECT 1", null, Ct));
        Assert.Null(e.Code);
        Assert.Contains("127.0.0.1:1", e.Message, StringComparison.Ordinal);
    }
}
