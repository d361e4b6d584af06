using System.CommandLine;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Monitoring;
using Serilog;

namespace CodesHistoryEtl.Cli;

/// <summary>
/// <c>etl health</c>: exit 0 when healthy, 2 with one line per problem (stale watermark, failed or stuck run, holes in
/// the committed windows, zero or low rows on the last complete business day, journal or ClickHouse unreachable). <c>--alert</c>
/// sends one alert per problem, except a failed run that alerted itself (and ClickHouse unreachable when that run
/// failed on ClickHouse); made for monitoring probes and the timer's OnFailure= hook.
/// </summary>
public static class HealthCommand
{
    private static readonly Option<bool> Json = new("--json") { Description = "One JSON object instead of the lines" };
    private static readonly Option<bool> AlertOption = new("--alert") { Description = "Send one alert per problem (Telegram, webhook, meta.etl_alerts); what a failed run's own alert already reported (its failure, ClickHouse unreachable) is not sent again" };

    public static Command Build()
    {
        var command = new Command("health", "Check the watermark lag, the last run, stuck runs, windows left uncommitted before the watermark and the last complete business day's rows; " +
                                            "exit 0 healthy, 2 unhealthy with one line per problem");
        command.Options.Add(Json);
        command.Options.Add(AlertOption);
        command.SetAction((parse, ct) => CommandContext.RunAsync(parse, settings => ExecuteAsync(parse, settings, ct)));
        return command;
    }

    public static async Task<HealthReport> CheckAsync(EtlSettings settings, CancellationToken ct)
    {
        var check = new HealthCheck(settings.Health, settings.Journal, settings.Window.BusinessTz);
        var problems = new List<HealthProblem>();
        StatusReport? status = null;
        try
        {
            status = await StatusCommand.ReadAsync(settings, 20, ct);
            problems.AddRange(check.RunProblems(status));
            if (check.Uncommitted(status.Uncommitted) is { } uncommitted)
            {
                problems.Add(uncommitted);
            }
        }
        catch (JournalException e)
        {
            problems.Add(new("JOURNAL_UNREACHABLE", $"cannot read the PostgreSQL journal ({settings.Journal.Dsn.Display}): {e.Message}"));
        }

        var now = status?.Now ?? DateTimeOffset.UtcNow;
        var (first, last) = check.DaysToCount(now);
        long? lastDayRows = null;
        try
        {
            var rows = await DayRowCounts.ReadAsync(settings.ClickHouse, first, last, ct);
            lastDayRows = rows.GetValueOrDefault(last);
            problems.AddRange(check.DayProblems(now, rows));
        }
        catch (ClickHouseException e)
        {
            problems.Add(HealthCheck.ClickHouseUnreachable(status, $"cannot count the rows per business day: {e.Message}"));
        }

        return new HealthReport(status, last, lastDayRows, problems);
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, EtlSettings settings, CancellationToken ct)
    {
        var report = await CheckAsync(settings, ct);
        await Console.Out.WriteLineAsync(parse.GetValue(Json) ? report.ToJson() : report.ToText());
        if (parse.GetValue(AlertOption))
        {
            foreach (var problem in report.Problems)
            {
                if (problem.AlertedByRun)
                {
                    Log.Information("{Code} is not sent again: the failed run alerted it itself", problem.Code);
                    continue;
                }

                var alert = new Alert(problem.Code == "LOW_ROWS" ? Alert.Warning : Alert.Critical, settings.ProcessName, problem.Code, problem.Message,
                    new Dictionary<string, string> { ["source"] = "etl health", ["host"] = Environment.MachineName, ["last_complete_day"] = $"{report.LastDay:yyyy-MM-dd}" });
                await AlertDelivery.DeliverAsync(settings, alert, CancellationToken.None);
            }
        }

        Log.Debug("Health: {Count} problem(s)", report.Problems.Count);
        return report.Healthy ? ExitCodes.Ok : ExitCodes.Unhealthy;
    }
}
