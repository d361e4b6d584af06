using CodesHistoryEtl.ClickHouse;

namespace CodesHistoryEtl.Tests.ClickHouse;

public sealed class ServerErrorTests
{
    [Fact]
    public void Parses_the_18_16_format()
    {
        var error = ServerError.Parse(
            "Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1 (line 1, col 1): SELEC 1, expected ..., e.what() = DB::Exception\n");
        Assert.NotNull(error);
        Assert.Equal(62, error.Code);
        Assert.Equal("Syntax error: failed at position 1 (line 1, col 1): SELEC 1, expected ...", error.Message);
    }

    [Fact]
    public void Parses_the_modern_format()
    {
        var error = ServerError.Parse(
            "Code: 60. DB::Exception: Table stg.nope does not exist. (UNKNOWN_TABLE) (version 24.3.1.2672 (official build))\n");
        Assert.NotNull(error);
        Assert.Equal(60, error.Code);
        Assert.StartsWith("Table stg.nope does not exist. (UNKNOWN_TABLE)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_without_a_code_is_not_an_error_text()
    {
        Assert.Null(ServerError.Parse("<html>502 Bad Gateway</html>"));
    }

    [Fact]
    public void Finds_an_exception_appended_after_rows_of_a_200_answer()
    {
        var error = ServerError.ParseTrailer(
            "0\n1\n2\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n");
        Assert.NotNull(error);
        Assert.Equal(395, error.Code);
    }

    [Theory]
    [InlineData("0\n1\n2\n")]
    [InlineData("Code: 5, a value that only looks like an error\n")]
    [InlineData("")]
    public void Ordinary_rows_are_not_a_trailer(string body)
    {
        Assert.Null(ServerError.ParseTrailer(body));
    }

    [Theory]
    [InlineData(241, 500, "ClickHouse insert window failed (ClickHouse error 241): boom | query: SELECT 1")]
    [InlineData(null, 503, "ClickHouse insert window failed (HTTP 503): boom | query: SELECT 1")]
    [InlineData(null, 200, "ClickHouse insert window failed (unexpected answer): boom | query: SELECT 1")] // the client's own check of a good answer
    [InlineData(null, null, "ClickHouse insert window failed (no answer): boom | query: SELECT 1")]
    public void The_message_says_where_the_failure_came_from(int? code, int? status, string expected)
    {
        Assert.Equal(expected, new ClickHouseException("insert window", "SELECT\n1", code, status, "boom").Message);
    }
}
