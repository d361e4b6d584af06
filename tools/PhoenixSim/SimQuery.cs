using System.Globalization;
using System.Text.RegularExpressions;
using CodesHistoryEtl.Etl;

namespace PhoenixSim;

/// <summary>
/// The statements the simulator understands: <c>[EXPLAIN] SELECT cols FROM table WHERE ts &gt;= lo AND ts &lt; hi</c>
/// with each bound a <c>?</c>, a <c>TO_TIMESTAMP('yyyy-MM-dd HH:mm:ss.SSS')</c> (UTC) or an integer.
/// Anything else is a <see cref="SimSqlException"/> shaped like Phoenix's own errors.
/// </summary>
public sealed partial record SimQuery(bool Explain, IReadOnlyList<Column> Columns, SimBound Low, SimBound High, string Sql)
{
    public int ParameterCount => (Low.IsParameter ? 1 : 0) + (High.IsParameter ? 1 : 0);

    public static SimQuery Parse(string sql, SimOptions options)
    {
        var match = Pattern().Match(sql);
        if (!match.Success)
        {
            throw new SimSqlException($"ERROR 601 (42P00): Syntax error. Unsupported statement for the Phoenix simulator: {sql}");
        }

        var table = match.Groups["table"].Value;
        if (!string.Equals(table, options.Table, StringComparison.OrdinalIgnoreCase))
        {
            throw new SimSqlException($"ERROR 1012 (42M03): Table undefined. tableName={table.ToUpperInvariant()}");
        }

        var columns = match.Groups["cols"].Value.Split(',').Select(n => n.Trim()).Select(name =>
            CodesHistoryEtl.Etl.Columns.Source.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new SimSqlException($"ERROR 504 (42703): Undefined column. columnName={table.ToUpperInvariant()}.{name.ToUpperInvariant()}"))
            .ToArray();
        foreach (var ts in new[] { match.Groups["ts1"].Value, match.Groups["ts2"].Value })
        {
            if (!string.Equals(ts, options.TsColumn, StringComparison.OrdinalIgnoreCase))
            {
                throw new SimSqlException($"ERROR 601 (42P00): Syntax error. The simulator filters only on {options.TsColumn.ToUpperInvariant()}, not {ts.ToUpperInvariant()}");
            }
        }

        return new SimQuery(match.Groups["explain"].Success, columns, Bound(match.Groups["lo"].Value, options, sql),
            Bound(match.Groups["hi"].Value, options, sql), sql);
    }

    private static SimBound Bound(string text, SimOptions options, string sql)
    {
        if (text == "?")
        {
            return SimBound.Parameter;
        }

        var isTimestamp = text.StartsWith("TO_TIMESTAMP", StringComparison.OrdinalIgnoreCase);
        if (isTimestamp != (options.TsUnits == CodesHistoryEtl.Config.TimeUnits.Timestamp))
        {
            var (column, literal) = isTimestamp ? ("BIGINT", "TIMESTAMP") : ("TIMESTAMP", "BIGINT");
            throw new SimSqlException($"ERROR 203 (22005): Type mismatch. {column} and {literal} for {options.TsColumn.ToUpperInvariant()} in {sql}");
        }

        if (!isTimestamp)
        {
            return SimBound.Literal(long.Parse(text, CultureInfo.InvariantCulture));
        }

        var inner = text[(text.IndexOf('\'', StringComparison.Ordinal) + 1)..text.LastIndexOf('\'')];
        return DateTime.TryParseExact(inner, ["yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var utc)
            ? SimBound.Literal(new DateTimeOffset(utc).ToUnixTimeMilliseconds())
            : throw new SimSqlException($"ERROR 201 (22000): Illegal data. Unparseable timestamp '{inner}'");
    }

    [GeneratedRegex(@"^\s*(?<explain>EXPLAIN\s+)?SELECT\s+(?<cols>[A-Za-z0-9_,\s]+?)\s+FROM\s+(?<table>[A-Za-z0-9_.]+)\s+WHERE\s+(?<ts1>[A-Za-z0-9_]+)\s*>=\s*(?<lo>\?|TO_TIMESTAMP\('[^']*'\)|-?\d+)\s+AND\s+(?<ts2>[A-Za-z0-9_]+)\s*<\s*(?<hi>\?|TO_TIMESTAMP\('[^']*'\)|-?\d+)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
