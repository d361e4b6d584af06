using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;
using Npgsql;

namespace CodesHistoryEtl.Tests.Journal;

/// <summary>A fresh database for one journal test: its settings, the migrated schema, and direct SQL for checks.</summary>
public sealed class JournalDb
{
    private JournalDb(string uriDsn, JournalSettings settings)
    {
        UriDsn = uriDsn;
        Settings = settings;
        Tables = JournalTables.For(settings.Table);
    }

    /// <summary>The URI DSN, with the real test password.</summary>
    public string UriDsn { get; }

    public string Password => new Uri(UriDsn).UserInfo.Split(':', 2)[1];

    public JournalSettings Settings { get; }

    public JournalTables Tables { get; }

    public static async Task<JournalDb> CreateAsync(PostgresFixture postgres, string table = "public.inc_processing", bool migrate = true)
    {
        var dsn = await postgres.CreateDatabaseAsync();
        var settings = new JournalSettings(PostgresDsn.Parse("PG_DSN", dsn), SqlIdentifier.Parse("JOURNAL_TABLE", table),
            "test_process", PlannedTtlMin: 30, HeartbeatSec: 15, HeartbeatTtlMin: 5, MaxRunHours: 6);
        var db = new JournalDb(dsn, settings);
        if (migrate)
        {
            await PostgresMigrator.For(settings).MigrateAsync(TestContext.Current.CancellationToken);
        }

        return db;
    }

    public JournalSettings For(string processName) => Settings with { ProcessName = processName };

    public NpgsqlConnection Connect() => new(PostgresFixture.ToConnectionString(UriDsn));

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = Connect();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map)
    {
        await using var connection = Connect();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public async Task<T> ScalarAsync<T>(string sql) => (await QueryAsync(sql, r => r.GetFieldValue<T>(0)))[0];

    /// <summary>Inserts a journal row directly (as a crashed or foreign process would have left it) and returns its id.</summary>
    public Task<long> InsertRunAsync(string processName, string status, string startedAgo, string? heartbeatAgo = null) =>
        ScalarAsync<long>(
            $"INSERT INTO {Tables.Journal} (process_name, status, ts_start, details) VALUES ('{processName}', '{status}', now() - interval '{startedAgo}', " +
            (heartbeatAgo is null ? "'{}'::jsonb" : $"jsonb_build_object('heartbeat_ts', now() - interval '{heartbeatAgo}')") + ") RETURNING id");

    /// <summary>Closes a run's row as another process (a sanitizer) would.</summary>
    public Task<int> CloseRunAsync(long runId) => ExecuteAsync($"UPDATE {Tables.Journal} SET status = 'error', ts_end = now() WHERE id = {runId}");

    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
