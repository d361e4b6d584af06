using System.Globalization;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;

namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// The SELECT of one half-open window <c>[since, until)</c>: the explicit column list of
/// <see cref="Columns.Source"/>, the bounds as typed parameters (PHX_BIND_MODE=param) or as UTC
/// <c>TO_TIMESTAMP</c> / epoch-ms literals (PHX_BIND_MODE=literal).
/// </summary>
public sealed class WindowQuery
{
    private WindowQuery(string sql, IReadOnlyList<TypedValue> parameters, string description)
    {
        Sql = sql;
        Parameters = parameters;
        Description = description;
    }

    /// <summary>The SQL text as sent (with <c>?</c> placeholders in param mode).</summary>
    public string Sql { get; }

    /// <summary>The SQL with its bounds shown, for --dry-run and logs.</summary>
    public string Description { get; }

    internal IReadOnlyList<TypedValue> Parameters { get; }

    public static WindowQuery Build(PhoenixSettings settings, DateTimeOffset since, DateTimeOffset until)
    {
        if (since >= until)
        {
            throw new ArgumentException($"The window [{since:O}, {until:O}) is empty: since must be before until", nameof(until));
        }

        var from = since.ToUnixTimeMilliseconds();
        var to = until.ToUnixTimeMilliseconds();
        var select = $"SELECT {string.Join(", ", Columns.Source.Select(c => c.Name))} FROM {settings.Table} WHERE ";
        var ts = settings.TsColumn.Name;
        if (settings.BindMode == BindMode.Literal)
        {
            var sql = select + $"{ts} >= {Literal(settings.TsUnits, from)} AND {ts} < {Literal(settings.TsUnits, to)}";
            return new WindowQuery(sql, [], sql);
        }

        var paramSql = select + $"{ts} >= ? AND {ts} < ?";
        var rep = settings.TsUnits == TimeUnits.Millis ? Rep.Long : Rep.JavaSqlTimestamp;
        var parameters = new[] { new TypedValue { Type = rep, NumberValue = from }, new TypedValue { Type = rep, NumberValue = to } };
        var description = paramSql + $" [1: {Shown(settings.TsUnits, from)}, 2: {Shown(settings.TsUnits, to)}]";
        return new WindowQuery(paramSql, parameters, description);
    }

    /// <summary>The window's SELECT under EXPLAIN, same bounds.</summary>
    internal WindowQuery Explain() => new("EXPLAIN " + Sql, Parameters, "EXPLAIN " + Description);

    private static string Literal(TimeUnits units, long millis) => units == TimeUnits.Millis
        ? millis.ToString(CultureInfo.InvariantCulture)
        : $"TO_TIMESTAMP('{Utc(millis)}')";

    private static string Shown(TimeUnits units, long millis) => units == TimeUnits.Millis
        ? $"{millis.ToString(CultureInfo.InvariantCulture)} ({Utc(millis)} UTC)"
        : $"TIMESTAMP {Utc(millis)} UTC";

    private static string Utc(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
