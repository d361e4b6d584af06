using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;
using Serilog;

namespace CodesHistoryEtl.Cli;

/// <summary><c>etl --migrate-only</c>: applies pending migrations, prints what it applied or that nothing was pending.</summary>
public static class MigrateCommand
{
    /// <returns><see cref="ExitCodes.Ok"/>, <see cref="ExitCodes.Config"/> (PG_DSN / JOURNAL_TABLE), or <see cref="ExitCodes.Failed"/> (the message names the failing script).</returns>
    public static async Task<int> RunAsync(EtlSettings settings, TextWriter output, CancellationToken ct)
    {
        try
        {
            var journal = settings.Journal;
            var applied = await PostgresMigrator.For(journal).MigrateAsync(ct);
            await output.WriteLineAsync(applied.Count == 0
                ? $"PostgreSQL {journal.Dsn.Display}: nothing pending"
                : $"PostgreSQL {journal.Dsn.Display}: applied {string.Join(", ", applied)}");
            using var clickHouse = new ClickHouse.ClickHouseClient(settings.ClickHouse);
            var context = ClickHouse.MigrationContext.From(settings.ClickHouse, settings.Window.BusinessTz.Id);
            var chApplied = await new ClickHouse.ClickHouseMigrator(clickHouse, context).MigrateAsync(ct);
            await output.WriteLineAsync(chApplied.Count == 0
                ? $"ClickHouse {clickHouse.Endpoint}: nothing pending"
                : $"ClickHouse {clickHouse.Endpoint}: applied {string.Join(", ", chApplied)}");
            return ExitCodes.Ok;
        }
        catch (ConfigException e)
        {
            Log.Error("Configuration: {Error}", e.Message);
            return ExitCodes.Config;
        }
        catch (ClickHouse.ClickHouseException e)
        {
            Log.Error("ClickHouse migration failed: {Error}", e.Message);
            return ExitCodes.Failed;
        }
        catch (JournalException e)
        {
            Log.Error("Migration failed: {Error}", e.Message);
            return ExitCodes.Failed;
        }
    }
}
