using System.Text.RegularExpressions;
using CodesHistoryEtl.Config;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// The PostgreSQL objects derived from JOURNAL_TABLE (<c>schema.name</c>; no schema means <c>public</c>):
/// the journal itself, <c>schema.name_watermark</c>, <c>schema.name_committed</c> (committed windows),
/// <c>schema.name_migrations</c> and the partial unique
/// index <c>name_one_active</c>. Deriving every name from the journal keeps two JOURNAL_TABLEs in one schema
/// fully apart. Migration scripts name them only through placeholders, replaced by the quoted identifiers.
/// </summary>
public sealed partial class JournalTables
{
    /// <summary>Longest journal name such that every derived name fits PostgreSQL's 63-byte identifiers.</summary>
    public const int MaxNameLength = 63 - 11;

    private readonly Dictionary<string, string> _placeholders;

    private JournalTables(string schema, string name)
    {
        Schema = Quote(schema);
        Journal = Qualify(schema, name);
        Watermark = Qualify(schema, name + "_watermark");
        Migrations = Qualify(schema, name + "_migrations");
        Committed = Qualify(schema, name + "_committed");
        _placeholders = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["schema"] = Schema,
            ["journal"] = Journal,
            ["watermark"] = Watermark,
            ["migrations"] = Migrations,
            ["committed"] = Committed,
            ["journal_active_index"] = Quote(name + "_one_active"),
        };
    }

    /// <summary>Quoted schema, e.g. <c>"public"</c>.</summary>
    public string Schema { get; }

    /// <summary>Quoted journal table, e.g. <c>"public"."inc_processing"</c>.</summary>
    public string Journal { get; }

    public string Watermark { get; }

    public string Migrations { get; }

    /// <summary>The windows each run committed, e.g. <c>"public"."inc_processing_committed"</c> (what backfill skips).</summary>
    public string Committed { get; }

    public static JournalTables For(SqlIdentifier journalTable) =>
        journalTable.Name.Length <= MaxNameLength
            ? new JournalTables(journalTable.Schema ?? "public", journalTable.Name)
            : throw ConfigException.Invalid("JOURNAL_TABLE", journalTable.ToString(), $"a table name of at most {MaxNameLength} characters (derived names add suffixes)");

    /// <summary>Replaces every <c>{{placeholder}}</c> with its quoted identifier; an unknown one is an error.</summary>
    public string Substitute(string sql) =>
        Placeholder().Replace(sql, m => _placeholders.TryGetValue(m.Groups[1].Value, out var value)
            ? value
            : throw new FormatException($"unknown placeholder {m.Value}; known: {string.Join(", ", _placeholders.Keys.Select(k => "{{" + k + "}}"))}"));

    private static string Quote(string name) => $"\"{name}\"";

    private static string Qualify(string schema, string name) => $"{Quote(schema)}.{Quote(name)}";

    [GeneratedRegex(@"\{\{\s*([A-Za-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
