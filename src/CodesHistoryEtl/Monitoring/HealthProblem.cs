namespace CodesHistoryEtl.Monitoring;

/// <summary>One reason <c>etl health</c> is unhealthy; <see cref="Code"/> is also the alert code.</summary>
public sealed record HealthProblem(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}
