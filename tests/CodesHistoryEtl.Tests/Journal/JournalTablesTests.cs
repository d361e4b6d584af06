using CodesHistoryEtl.Config;
using CodesHistoryEtl.Journal;

namespace CodesHistoryEtl.Tests.Journal;

public sealed class JournalTablesTests
{
    [Fact]
    public void Derived_names_are_quoted_and_share_the_journal_schema()
    {
        var tables = JournalTables.For(SqlIdentifier.Parse("JOURNAL_TABLE", "etl_meta.runs"));

        Assert.Equal("\"etl_meta\".\"runs\"", tables.Journal);
        Assert.Equal("\"etl_meta\".\"runs_watermark\"", tables.Watermark);
        Assert.Equal("\"etl_meta\".\"runs_migrations\"", tables.Migrations);
        Assert.Equal("CREATE INDEX \"runs_one_active\" ON \"etl_meta\".\"runs\"", tables.Substitute("CREATE INDEX {{journal_active_index}} ON {{ journal }}"));
    }

    [Fact]
    public void Unqualified_journal_lives_in_public()
    {
        Assert.Equal("\"public\".\"inc_processing\"", JournalTables.For(SqlIdentifier.Parse("JOURNAL_TABLE", "inc_processing")).Journal);
    }

    [Fact]
    public void Unknown_placeholder_and_too_long_name_are_rejected()
    {
        var tables = JournalTables.For(SqlIdentifier.Parse("JOURNAL_TABLE", "public.j"));
        Assert.Throws<FormatException>(() => tables.Substitute("SELECT * FROM {{nope}}"));

        var longName = SqlIdentifier.Parse("JOURNAL_TABLE", new string('j', JournalTables.MaxNameLength + 1));
        Assert.Contains("JOURNAL_TABLE", Assert.Throws<ConfigException>(() => JournalTables.For(longName)).Message, StringComparison.Ordinal);
    }
}
