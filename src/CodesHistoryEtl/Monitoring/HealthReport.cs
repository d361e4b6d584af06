using System.Globalization;
using System.Text.Json;

namespace CodesHistoryEtl.Monitoring;

/// <summary>
/// What <c>etl health</c> prints: one line per problem, or <c>healthy</c> with a short summary; <c>--json</c> for
/// probes. <see cref="Status"/> is null when the journal could not be read, <see cref="LastDayRows"/> when ClickHouse could not.
/// </summary>
public sealed record HealthReport(StatusReport? Status, DateOnly LastDay, long? LastDayRows, IReadOnlyList<HealthProblem> Problems)
{
    public bool Healthy => Problems.Count == 0;

    public string ToText()
    {
        if (!Healthy)
        {
            return string.Join(Environment.NewLine, Problems.Select(p => p.ToString()));
        }

        var last = Status?.Runs.FirstOrDefault(r => !r.IsActive);
        return string.Create(CultureInfo.InvariantCulture,
            $"healthy: {Status?.ProcessName} watermark {Status?.Watermark:O} ({Status?.Lag?.TotalMinutes:0} min behind now), " +
            $"last run {(last is null ? "none" : $"{last.Id} {last.Status}")}, {Day} has {LastDayRows} rows in ClickHouse");
    }

    public string ToJson() => JsonSerializer.Serialize(new HealthJson(
        Healthy, Status?.ProcessName, Status?.Now, Status?.Watermark, Status?.LagMinutes, Day,
        LastDayRows, [.. Problems.Select(p => new ProblemJson(p.Code, p.Message, p.AlertedByRun))]), MonitoringJson.Default.HealthJson);

    private string Day => LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
