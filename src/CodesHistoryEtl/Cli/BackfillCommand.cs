using System.CommandLine;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Cli;

/// <summary>
/// <c>etl backfill --since D1 --until D2</c>: the normal run over a past range, day by day, skipping windows
/// already committed (unless <c>--force</c>). Interrupted, the same command again finishes the rest.
/// </summary>
public static class BackfillCommand
{
    private static readonly Option<bool> Force = new("--force") { Description = "Redo windows that are already committed" };

    public static Command Build()
    {
        var command = new Command("backfill", "Re-export a past range day by day (business days, BUSINESS_TZ) through the normal windows, " +
                                              "skipping windows already committed unless --force; resumable: run the same command again after an interruption. " +
                                              "The watermark only moves forward, over windows contiguous with it");
        RunOptions.AddTo(command);
        command.Options.Add(Force);
        command.SetAction((parse, ct) => CommandContext.RunAsync(parse, settings => ExecuteAsync(parse, settings, ct)));
        return command;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, EtlSettings settings, CancellationToken ct)
    {
        var request = RunOptions.Read(parse, settings, "backfill");
        if (request.ExplicitWindows is not { } windows)
        {
            throw new UsageException("etl backfill needs --since and --until, for example: etl backfill --since 2025-08-01 --until 2025-08-08");
        }

        var mode = parse.GetValue(Force) ? BackfillMode.Force : BackfillMode.SkipCommitted;
        if (request.DryRun)
        {
            var skipped = await BackfillPlan.SkippedAsync(settings.Journal, windows, mode, settings.Window.BusinessTz, ct);
            await DryRun.ExecuteAsync(settings, windows.Where(w => !skipped.Contains(w)).ToList(), Console.Out, ct);
            return ExitCodes.Ok;
        }

        return await RunCommand.ExecuteRequestAsync(settings, request with { Backfill = mode }, parse.Tokens.Select(t => t.Value).ToList(), ct);
    }
}
