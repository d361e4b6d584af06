using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// Applies pending PostgreSQL migrations in name order, each in its own transaction together with its row
/// in the migrations table (name, SHA-256, time), so a failing script leaves nothing behind. Concurrent
/// migrators are serialized by a session advisory lock (two-key form: never the run lock's key space).
/// An applied script whose checksum changed is an error: migrations are forward-only.
/// </summary>
public sealed class PostgresMigrator(PostgresDsn dsn, JournalTables tables, IReadOnlyList<MigrationScript> scripts)
{
    private const string Operation = "migrate";
    private const string LockKey = "codes-history-etl migrations";

    /// <summary>The migrator for the configured journal with the scripts embedded in the exe.</summary>
    public static PostgresMigrator For(JournalSettings settings) =>
        new(settings.Dsn, JournalTables.For(settings.Table), MigrationScript.Embedded("postgres"));

    /// <summary>Applies what is pending and returns the names applied (empty: nothing was pending).</summary>
    /// <exception cref="JournalException">PostgreSQL unreachable, a script failed (named), or a checksum changed.</exception>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        await using var session = await PgSession.OpenAsync(dsn, Operation, dedicated: true, ct);
        await session.ExecuteAsync("take the migration lock", "SELECT pg_advisory_lock(hashtext($1), hashtext($2))", ct, LockKey, tables.Migrations);

        // Under the lock: concurrent CREATE ... IF NOT EXISTS of the same object can still collide otherwise.
        await session.ExecuteAsync("create the migrations table",
            $"CREATE SCHEMA IF NOT EXISTS {tables.Schema}; " +
            $"CREATE TABLE IF NOT EXISTS {tables.Migrations} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            ct);
        var applied = (await session.QueryAsync("read applied migrations", $"SELECT name, checksum FROM {tables.Migrations}",
            r => (Name: r.GetString(0), Checksum: r.GetString(1)), ct)).ToDictionary(a => a.Name, a => a.Checksum, StringComparer.Ordinal);

        foreach (var unknown in applied.Keys.Except(scripts.Select(s => s.Name), StringComparer.Ordinal))
        {
            Log.Warning("Migration {Migration} is recorded in {Table} but unknown to this version: the database is newer than this exe", unknown, tables.Migrations);
        }

        var done = new List<string>();
        foreach (var script in scripts.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (applied.TryGetValue(script.Name, out var checksum))
            {
                if (!string.Equals(checksum, script.Checksum, StringComparison.Ordinal))
                {
                    throw new JournalException($"check migration {script.Name}", null, null,
                        $"{script.Name} was changed after it was applied (recorded sha256 {checksum}, now {script.Checksum}). " +
                        "Migrations are forward-only: restore the original file and put the change in a new one");
                }

                continue;
            }

            await ApplyAsync(session, script, ct);
            done.Add(script.Name);
        }

        await session.ExecuteAsync("release the migration lock", "SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", ct, LockKey, tables.Migrations);
        return done;
    }

    private async Task ApplyAsync(PgSession session, MigrationScript script, CancellationToken ct)
    {
        var operation = $"apply migration {script.Name}";
        string sql;
        try
        {
            sql = tables.Substitute(script.Sql);
        }
        catch (FormatException e)
        {
            throw new JournalException(operation, null, null, e.Message);
        }

        await session.InTransactionAsync(operation, async () =>
        {
            await session.ExecuteAsync(operation, sql, ct);
            return await session.ExecuteAsync(operation, $"INSERT INTO {tables.Migrations} (name, checksum) VALUES ($1, $2)", ct, script.Name, script.Checksum);
        }, ct);
        Log.Information("Applied PostgreSQL migration {Migration} ({Checksum})", script.Name, script.Checksum[..12]);
    }
}
