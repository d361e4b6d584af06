using CodesHistoryEtl.Journal;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Journal;

public sealed class PostgresMigratorTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embedded_scripts_apply_once_then_nothing_is_pending()
    {
        var db = await JournalDb.CreateAsync(postgres, "etl_meta.runs", migrate: false);
        var migrator = PostgresMigrator.For(db.Settings);

        Assert.Equal(["0001_journal.sql", "0002_committed_windows.sql"], await migrator.MigrateAsync(Ct));
        Assert.Empty(await migrator.MigrateAsync(Ct));

        var tables = await db.QueryAsync(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema = 'etl_meta' ORDER BY 1", r => r.GetString(0));
        Assert.Equal(["etl_meta.runs", "etl_meta.runs_committed", "etl_meta.runs_migrations", "etl_meta.runs_watermark"], tables);
        var recorded = await db.QueryAsync("SELECT name, checksum FROM etl_meta.runs_migrations ORDER BY name", r => (r.GetString(0), r.GetString(1)));
        Assert.Equal(MigrationScript.Embedded("postgres").Select(s => (s.Name, s.Checksum)), recorded);
    }

    [Fact]
    public async Task Concurrent_migrators_are_serialized_and_apply_each_script_once()
    {
        var db = await JournalDb.CreateAsync(postgres, migrate: false);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresMigrator.For(db.Settings).MigrateAsync(Ct), Ct)));

        Assert.Equal(["0001_journal.sql", "0002_committed_windows.sql"], results.SelectMany(r => r));
        Assert.Equal(2, await db.ScalarAsync<long>($"SELECT count(*) FROM {db.Tables.Migrations}"));
    }

    [Fact]
    public async Task Broken_script_is_named_and_leaves_the_schema_unchanged()
    {
        var db = await JournalDb.CreateAsync(postgres, migrate: false);
        var scripts = new[]
        {
            new MigrationScript("0001_ok.sql", "CREATE TABLE {{schema}}.first (a int);"),
            new MigrationScript("0002_broken.sql", "CREATE TABLE {{schema}}.second (a int); ALTER TABLE {{schema}}.second ADD COLUMN b nonexistent_type;"),
            new MigrationScript("0003_after.sql", "CREATE TABLE {{schema}}.third (a int);"),
        };
        var migrator = new PostgresMigrator(db.Settings.Dsn, db.Tables, scripts);

        var error = await Assert.ThrowsAsync<JournalException>(() => migrator.MigrateAsync(Ct));

        Assert.Contains("0002_broken.sql", error.Message, StringComparison.Ordinal);
        Assert.Equal("42704", error.SqlState);
        var tables = await db.QueryAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", r => r.GetString(0));
        Assert.Equal(["first", "inc_processing_migrations"], tables);
        Assert.Equal(["0001_ok.sql"], await db.QueryAsync($"SELECT name FROM {db.Tables.Migrations}", r => r.GetString(0)));
    }

    [Fact]
    public async Task Changed_checksum_of_an_applied_script_is_an_error_naming_it()
    {
        var db = await JournalDb.CreateAsync(postgres, migrate: false);
        await new PostgresMigrator(db.Settings.Dsn, db.Tables, [new("0001_a.sql", "CREATE TABLE {{schema}}.a (x int);")]).MigrateAsync(Ct);
        var edited = new PostgresMigrator(db.Settings.Dsn, db.Tables, [new("0001_a.sql", "CREATE TABLE {{schema}}.a (x bigint);")]);

        var error = await Assert.ThrowsAsync<JournalException>(() => edited.MigrateAsync(Ct));

        Assert.Contains("0001_a.sql was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_placeholder_fails_the_script_before_it_runs()
    {
        var db = await JournalDb.CreateAsync(postgres, migrate: false);
        var migrator = new PostgresMigrator(db.Settings.Dsn, db.Tables, [new("0001_typo.sql", "CREATE TABLE {{jurnal}} (x int);")]);

        var error = await Assert.ThrowsAsync<JournalException>(() => migrator.MigrateAsync(Ct));

        Assert.Contains("0001_typo.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("{{jurnal}}", error.Message, StringComparison.Ordinal);
    }
}
