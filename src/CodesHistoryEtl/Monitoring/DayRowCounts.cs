using System.Globalization;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;

namespace CodesHistoryEtl.Monitoring;

/// <summary>Rows of the target table per business day (d_biz), read through the insert table (the Distributed one on a cluster).</summary>
public static class DayRowCounts
{
    private const int UnknownTable = 60;
    private const int UnknownDatabase = 81;

    /// <summary>Counts per day in <c>[first, last]</c>; days without rows are absent. A table not created yet has no rows.</summary>
    /// <exception cref="ClickHouseException">ClickHouse unreachable or the query failed.</exception>
    public static async Task<IReadOnlyDictionary<DateOnly, long>> ReadAsync(ClickHouseSettings settings, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var sql = $"SELECT d_biz, count() FROM {settings.Database}.{settings.InsertTable} " +
                  $"WHERE d_biz >= toDate('{Iso(first)}') AND d_biz <= toDate('{Iso(last)}') GROUP BY d_biz FORMAT TabSeparated";
        using var client = new ClickHouseClient(settings);
        string body;
        try
        {
            body = await client.QueryAsync("count rows per business day", sql, null, ct);
        }
        catch (ClickHouseException e) when (e.Code is UnknownTable or UnknownDatabase)
        {
            return new Dictionary<DateOnly, long>();
        }

        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .ToDictionary(f => DateOnly.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture), f => long.Parse(f[1], CultureInfo.InvariantCulture));
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
