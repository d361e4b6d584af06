namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// One reason <c>etl health</c> is unhealthy; <see cref="Code"/> is also the alert code. <see cref="AlertedByRun"/>:
/// a failed run whose own alert reached every receiver, which <c>--alert</c> does not send again.
/// </summary>
public sealed record HealthProblem(string Code, string Message, bool AlertedByRun = false)
{
    public override string ToString() => AlertedByRun ? $"{Code}: {Message} (alerted by the run)" : $"{Code}: {Message}";
}
