using System.CommandLine;

namespace CodesHistoryEtl.Cli;

/// <summary>The <c>etl</c> root command: its global options and subcommands.</summary>
public static class EtlRootCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "codes-history-etl: exports TBL_JTI_TRACE_CIS_HISTORY from Phoenix to CSV and ClickHouse, one time window at a time, " +
            "journaled in PostgreSQL. Configuration comes from the environment and .env (see .env.example).");
        return root;
    }
}
