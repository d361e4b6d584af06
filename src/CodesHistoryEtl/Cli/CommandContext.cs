using System.CommandLine;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Phoenix;
using Serilog;

namespace CodesHistoryEtl.Cli;

/// <summary>
/// What every command action starts with: settings from <c>--env</c>/.env/environment, the logger, and
/// one place that turns the exceptions every command can raise into the documented exit codes
/// (a server that fails or cannot be reached: exit 1 with its typed message, never a stack trace).
/// </summary>
public static class CommandContext
{
    public static readonly Option<string?> EnvOption = new("--env")
    {
        Description = "Read variables from FILE instead of ./.env (the process environment still wins)",
        HelpName = "FILE",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="action"/> with loaded settings, mapping failures to exit codes.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<EtlSettings, Task<int>> action)
    {
        LogSetup.ConfigureDefault();
        try
        {
            var settings = EtlSettings.Load(EnvSource.Load(parse.GetValue(EnvOption)));
            LogSetup.Configure(settings.Logging);
            return await action(settings);
        }
        catch (ConfigException e)
        {
            Log.Error("Configuration error: {Error}", e.Message);
            return ExitCodes.Config;
        }
        catch (UsageException e)
        {
            Log.Error("{Error}", e.Message);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (ServerOf(e) is { } server)
        {
            Log.Error("{Server} failed: {Error}", server, e.Message);
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            Log.Warning("Cancelled");
            return ExitCodes.Cancelled;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }

    private static string? ServerOf(Exception e) => e switch
    {
        JournalException => "PostgreSQL",
        PhoenixException => "Phoenix",
        ClickHouseException => "ClickHouse",
        _ => null,
    };
}
