using System.CommandLine;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Monitoring;
using Serilog;
using Serilog.Context;

namespace CodesHistoryEtl.Cli;

/// <summary><c>etl run</c>: one run over explicit windows or from the watermark (what the timer calls).</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var command = new Command("run", "Export windows from Phoenix to CSV and ClickHouse. Without --since/--until: from the watermark " +
                                         "(minus LOOKBACK_MIN) to now - SAFETY_LAG_MIN, at most MAX_WINDOWS_PER_RUN windows");
        RunOptions.AddTo(command);
        command.SetAction((parse, ct) => CommandContext.RunAsync(parse, settings => ExecuteAsync(parse, settings, ct)));
        return command;
    }

    private static async Task<int> ExecuteAsync(ParseResult parse, EtlSettings settings, CancellationToken ct)
    {
        var request = RunOptions.Read(parse, settings, "run");
        if (request.DryRun)
        {
            var windows = request.ExplicitWindows ?? await DryRunWindowsAsync(settings, request, ct);
            await DryRun.ExecuteAsync(settings, windows, Console.Out, ct);
            return ExitCodes.Ok;
        }

        return await ExecuteRequestAsync(settings, request, parse.Tokens.Select(t => t.Value).ToList(), ct);
    }

    /// <summary>Runs <paramref name="request"/> through <see cref="RunDriver"/> (lock, journal, windows, watermark), alerts on failure, returns the exit code.</summary>
    public static async Task<int> ExecuteRequestAsync(EtlSettings settings, RunRequest request, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var runId = Guid.NewGuid();
        using var _ = LogContext.PushProperty("Run", $"run {runId.ToString("N")[..8]} ");
        try
        {
            var driver = new RunDriver(settings, runId);
            var outcome = await driver.ExecuteAsync(request, arguments, ct);
            if (await AlertOnFailureAsync(settings, runId, outcome) is { } code && driver.JournalId is { } journalId)
            {
                await new RunJournal(settings.Journal).MarkAlertedAsync(journalId, code, CancellationToken.None);
            }

            return outcome.Status == "ok" ? ExitCodes.Ok : outcome.ErrorKind == "cancelled" ? ExitCodes.Cancelled : ExitCodes.Failed;
        }
        catch (RunBusyException e)
        {
            Log.Warning("{Message}", e.Message);
            return ExitCodes.Busy;
        }
        catch (Exception e) when (e is JournalException or ClickHouseException)
        {
            // PostgreSQL before the run's journal row (migrations, lock, sanitize, start) or while closing it: nothing more was
            // committed, and the next run's sanitize closes a row left open. (ClickHouse failures become the run's outcome,
            // journaled; this also catches one that escapes.)
            var kind = e is JournalException ? "journal" : "clickhouse";
            Log.Error("Run failed ({Kind}), nothing more was committed: {Error}", kind, e.Message);
            await AlertOnFailureAsync(settings, runId, RunOutcome.Failed(kind, e.Message));
            return ExitCodes.Failed;
        }
    }

    /// <summary>A scheduled dry run reads the watermark (none while the journal schema does not exist yet) but changes nothing.</summary>
    private static async Task<IReadOnlyList<Window>> DryRunWindowsAsync(EtlSettings settings, RunRequest request, CancellationToken ct)
    {
        var watermark = await new WatermarkStore(settings.Journal).GetAsync(settings.ProcessName, ct);

        var initial = settings.Window.InitialSince is { } text ? BusinessTime.TryParseInstant(text, settings.Window.BusinessTz) : null;
        return RunRange.FromWatermark(request.Planner, watermark, initial, DateTimeOffset.UtcNow,
            TimeSpan.FromMinutes(settings.Window.SafetyLagMin), TimeSpan.FromMinutes(settings.Window.LookbackMin), settings.Window.MaxWindowsPerRun);
    }

    /// <summary>Alerts a failed run; returns the alert's code when every receiver accepted it, else null.</summary>
    private static async Task<string?> AlertOnFailureAsync(EtlSettings settings, Guid runId, RunOutcome outcome)
    {
        if (outcome.Status == "ok" || outcome.ErrorKind == "cancelled")
        {
            return null;
        }

        var alert = new Alert(Alert.Critical, settings.ProcessName, outcome.ErrorKind == "rejects" ? "REJECTS" : "RUN_FAILED",
            outcome.ErrorMessage ?? "the run failed",
            new Dictionary<string, string> { ["run_id"] = runId.ToString(), ["error_kind"] = outcome.ErrorKind ?? "", ["host"] = Environment.MachineName });
        return await AlertDelivery.DeliverAsync(settings, alert, CancellationToken.None) ? alert.Code : null;
    }
}
