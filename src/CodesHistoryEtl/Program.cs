using System.CommandLine;
using CodesHistoryEtl.Cli;

var parse = EtlRootCommand.Build().Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"etl: {error.Message}");
    }

    await Console.Error.WriteLineAsync("Try 'etl --help' or 'etl <command> --help'.");
    return ExitCodes.Usage;
}

// SIGINT/SIGTERM cancel the action's token; the run then stops at a safe point and journals why.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
