using CodesHistoryEtl.Config;

namespace PhoenixSim;

/// <summary>What the simulated Phoenix table looks like and how long the server keeps idle sessions.</summary>
public sealed record SimOptions
{
    public string Table { get; init; } = "TBL_JTI_TRACE_CIS_HISTORY";

    /// <summary>The column window queries filter on (a non-leading key column: Phoenix plans a FULL SCAN).</summary>
    public string TsColumn { get; init; } = "opd";

    /// <summary>Timestamp: the time column is a TIMESTAMP; Millis: a BIGINT of epoch milliseconds.</summary>
    public TimeUnits TsUnits { get; init; } = TimeUnits.Timestamp;

    /// <summary>avatica.connectioncache expire-after-access (refreshed only by connection-level calls).</summary>
    public TimeSpan ConnectionIdle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>avatica.statementcache expire-after-access.</summary>
    public TimeSpan StatementIdle { get; init; } = TimeSpan.FromMinutes(5);
}
