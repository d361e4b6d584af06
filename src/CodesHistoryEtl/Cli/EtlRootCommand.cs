using System.CommandLine;

namespace CodesHistoryEtl.Cli;

/// <summary>The <c>etl</c> root command: global options, <c>--migrate-only</c>, and the subcommands.</summary>
public static class EtlRootCommand
{
    private static readonly Option<bool> MigrateOnly = new("--migrate-only")
    {
        Description = "Apply pending PostgreSQL and ClickHouse migrations, print what was applied, and exit",
    };

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "codes-history-etl: exports TBL_JTI_TRACE_CIS_HISTORY from Phoenix to CSV files and ClickHouse, one time window at a time, " +
            "journaled in PostgreSQL. Settings come from the environment and ./.env (see .env.example); logs go to stderr.\n\n" +
            "Exit codes: 0 ok, 1 run failed, 2 unhealthy (etl health), 64 bad arguments, 75 busy (another run holds the lock), " +
            "78 bad configuration, 130 cancelled (SIGINT/SIGTERM).");
        root.Options.Add(CommandContext.EnvOption);
        root.Options.Add(MigrateOnly);
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(BackfillCommand.Build());
        root.Subcommands.Add(StatusCommand.Build());
        root.Subcommands.Add(HealthCommand.Build());
        root.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(MigrateOnly))
            {
                return await CommandContext.RunAsync(parse, settings => MigrateCommand.RunAsync(settings, Console.Out, ct));
            }

            await root.Parse("--help").InvokeAsync(cancellationToken: ct);
            return ExitCodes.Usage;
        });
        return root;
    }
}
