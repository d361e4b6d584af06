using System.CommandLine;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Monitoring;

namespace CodesHistoryEtl.Cli;

/// <summary><c>etl status</c>: the watermark and its lag, the current run, holes in the committed windows, the last runs; <c>--json</c> for machines.</summary>
public static class StatusCommand
{
    private static readonly Option<int> Runs = new("--runs") { Description = "How many recent runs to list", DefaultValueFactory = _ => 10, HelpName = "N" };
    private static readonly Option<bool> Json = new("--json") { Description = "One JSON object instead of the table" };

    public static Command Build()
    {
        var command = new Command("status", "Show the watermark and its lag, the run in progress (heartbeat age), windows left uncommitted before the watermark and the last runs");
        command.Options.Add(Runs);
        command.Options.Add(Json);
        command.SetAction((parse, ct) => CommandContext.RunAsync(parse, settings => ExecuteAsync(parse, settings, ct)));
        return command;
    }

    /// <summary>Reads the report, the holes in the committed windows included; a journal that does not exist yet reads as empty.</summary>
    public static async Task<StatusReport> ReadAsync(EtlSettings settings, int runs, CancellationToken ct)
    {
        var journal = settings.Journal;
        var watermark = await new WatermarkStore(journal).GetAsync(settings.ProcessName, ct);
        var recent = await new JournalReader(journal).RecentRunsAsync(runs, ct);
        var report = new StatusReport(settings.ProcessName, DateTimeOffset.UtcNow, watermark, recent, settings.Window.BusinessTz);
        return HealthCheck.CommittedUntil(report, settings.Window, journal) is { } until
            ? report with { Uncommitted = await CommittedWindows.GapsAsync(journal, until, ct) }
            : report;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, EtlSettings settings, CancellationToken ct)
    {
        var count = parse.GetValue(Runs);
        if (count < 1)
        {
            throw new UsageException($"--runs {count} must be at least 1");
        }

        var report = await ReadAsync(settings, count, ct);
        await Console.Out.WriteLineAsync(parse.GetValue(Json) ? report.ToJson() : report.ToText());
        return ExitCodes.Ok;
    }
}
