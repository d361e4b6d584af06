using System.CommandLine;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Cli;

/// <summary>The options of <c>etl run</c> (and <c>etl backfill</c>), turned into a validated <see cref="RunRequest"/>.</summary>
public static class RunOptions
{
    public static readonly Option<string?> Since = new("--since")
    {
        Description = "Start of the range: ISO 8601 with offset (2025-08-01T00:00:00+05:00, 2025-08-01T19:00:00Z) or a business date (2025-08-01). " +
                      "Without --since/--until the run goes from the watermark to now - SAFETY_LAG_MIN",
        HelpName = "TIME",
    };

    public static readonly Option<string?> Until = new("--until")
    {
        Description = "End of the range (exclusive), same forms as --since; a bare date means that day's start",
        HelpName = "TIME",
    };

    public static readonly Option<int?> StepMin = new("--step-min")
    {
        Description = "Window length in minutes (overrides STEP_MIN; must divide a day)",
        HelpName = "N",
    };

    public static readonly Option<bool> DryRun = new("--dry-run")
    {
        Description = "Print the plan, the SQL and the EXPLAIN of the first window, read and count every window; write nothing anywhere",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(Since);
        command.Options.Add(Until);
        command.Options.Add(StepMin);
        command.Options.Add(DryRun);
    }

    public static RunRequest Read(ParseResult parse, EtlSettings settings, string command)
    {
        var since = parse.GetValue(Since);
        var until = parse.GetValue(Until);
        if ((since is null) != (until is null))
        {
            throw new UsageException($"--since and --until go together (got only {(since is null ? "--until" : "--since")}); " +
                                     $"for example: etl {command} --since 2025-08-01 --until 2025-08-02");
        }

        var step = parse.GetValue(StepMin) ?? settings.Window.StepMin;
        if (step < 1 || step > 1_440 || 1_440 % step != 0)
        {
            throw new UsageException($"--step-min {step} must divide a day (for example 15, 30, 60)");
        }

        var planner = new WindowPlanner(TimeSpan.FromMinutes(step), settings.Window.BusinessTz);
        if (since is null)
        {
            return new RunRequest(planner, null, parse.GetValue(DryRun));
        }

        var from = ParseTime("--since", since, settings.Window.BusinessTz);
        var to = ParseTime("--until", until!, settings.Window.BusinessTz);
        try
        {
            return new RunRequest(planner, RunRange.Explicit(planner, from, to), parse.GetValue(DryRun));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static DateTimeOffset ParseTime(string option, string text, TimeZoneInfo businessTz) =>
        BusinessTime.TryParseInstant(text, businessTz)
        ?? throw new UsageException($"{option} '{text}' is not a time; use one of: {BusinessTime.Example}");
}
