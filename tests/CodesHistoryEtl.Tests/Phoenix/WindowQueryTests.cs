using CodesHistoryEtl.Config;
using CodesHistoryEtl.Phoenix;
using CodesHistoryEtl.Phoenix.Proto;

namespace CodesHistoryEtl.Tests.Phoenix;

public sealed class WindowQueryTests
{
    private static readonly DateTimeOffset Since = new(2025, 8, 1, 5, 0, 0, TimeSpan.FromHours(5));
    private static readonly DateTimeOffset Until = Since.AddHours(1);

    [Fact]
    public void Param_mode_binds_utc_epoch_millis_as_timestamps_in_a_half_open_range()
    {
        var query = WindowQuery.Build(AvaticaTransportTests.Settings(), Since, Until);

        Assert.EndsWith("FROM TBL_JTI_TRACE_CIS_HISTORY WHERE opd >= ? AND opd < ?", query.Sql, StringComparison.Ordinal);
        Assert.StartsWith("SELECT c, t, opd, did,", query.Sql, StringComparison.Ordinal);
        Assert.Equal([Rep.JavaSqlTimestamp, Rep.JavaSqlTimestamp], query.Parameters.Select(p => p.Type));
        Assert.Equal([1_754_006_400_000, 1_754_010_000_000], query.Parameters.Select(p => p.NumberValue));
        Assert.Contains("TIMESTAMP 2025-08-01 00:00:00.000 UTC", query.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Literal_mode_writes_utc_to_timestamp_bounds_and_millis_mode_numbers()
    {
        var literal = AvaticaTransportTests.Settings() with { BindMode = BindMode.Literal };
        var millis = literal with { TsUnits = TimeUnits.Millis };

        Assert.EndsWith("WHERE opd >= TO_TIMESTAMP('2025-08-01 00:00:00.000') AND opd < TO_TIMESTAMP('2025-08-01 01:00:00.000')",
            WindowQuery.Build(literal, Since, Until).Sql, StringComparison.Ordinal);
        Assert.EndsWith("WHERE opd >= 1754006400000 AND opd < 1754010000000", WindowQuery.Build(millis, Since, Until).Sql, StringComparison.Ordinal);
        Assert.Empty(WindowQuery.Build(millis, Since, Until).Parameters);
    }

    [Fact]
    public void An_empty_window_is_refused()
    {
        Assert.Throws<ArgumentException>(() => WindowQuery.Build(AvaticaTransportTests.Settings(), Until, Until));
    }
}
