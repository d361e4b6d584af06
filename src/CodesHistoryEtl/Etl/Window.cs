namespace CodesHistoryEtl.Etl;

/// <summary>A half-open time window <c>[Since, Until)</c> on the source time column, in UTC.</summary>
public sealed record Window(DateTimeOffset Since, DateTimeOffset Until)
{
    public TimeSpan Length => Until - Since;

    public override string ToString() => $"[{Since:yyyy-MM-ddTHH:mm:ssZ}, {Until:yyyy-MM-ddTHH:mm:ssZ})";
}
