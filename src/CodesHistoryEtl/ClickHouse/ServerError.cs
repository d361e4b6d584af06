using System.Text.RegularExpressions;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// ClickHouse's error text, parsed. Two formats exist:
/// 18.16 <c>Code: 62, e.displayText() = DB::Exception: Syntax error: ..., e.what() = DB::Exception</c> and
/// modern <c>Code: 62. DB::Exception: Syntax error: ... (SYNTAX_ERROR) (version 24.3.1)</c>.
/// An error raised after rows started streaming arrives with status 200 as the last line of the body.
/// </summary>
public sealed partial record ServerError(int Code, string Message)
{
    /// <summary>Parses a whole error body (any status other than 200).</summary>
    public static ServerError? Parse(string body)
    {
        var match = ErrorLine().Match(body.TrimStart());
        return match.Success ? FromMatch(match) : null;
    }

    /// <summary>
    /// Finds an exception appended to the end of a 200 response (an error after the first rows were sent).
    /// Only the last line is considered, and only when it has the exact shape of a ClickHouse exception.
    /// </summary>
    public static ServerError? ParseTrailer(string body)
    {
        var trimmed = body.TrimEnd('\n', '\r');
        var lastLine = trimmed[(trimmed.LastIndexOf('\n') + 1)..];
        var match = ErrorLine().Match(lastLine);
        return match.Success && lastLine.Contains("DB::Exception", StringComparison.Ordinal) ? FromMatch(match) : null;
    }

    private static ServerError FromMatch(Match match)
    {
        var code = int.Parse(match.Groups["code"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
        var message = match.Groups["message"].Value.Trim();
        message = OldSuffix().Replace(message, "");
        message = message.StartsWith("DB::Exception: ", StringComparison.Ordinal) ? message["DB::Exception: ".Length..] : message;
        return new ServerError(code, message.Trim());
    }

    [GeneratedRegex(@"^Code: (?<code>\d+)[.,]\s*(?:e\.displayText\(\) = )?(?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@",\s*e\.what\(\) = \S+\s*$")]
    private static partial Regex OldSuffix();
}
