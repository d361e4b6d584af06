namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// One reason <c>etl health</c> is unhealthy; <see cref="Code"/> is also the alert code. <see cref="AlertedByRun"/>:
/// the failed run's own alert, which reached every receiver, already reported it (the failure itself, or ClickHouse
/// unreachable after a run that failed on ClickHouse); <c>--alert</c> does not send it again.
/// </summary>
public sealed record HealthProblem(string Code, string Message, bool AlertedByRun = false)
{
    public override string ToString() => AlertedByRun ? $"{Code}: {Message} (alerted by the run)" : $"{Code}: {Message}";
}
