using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// One forward-only file of migrations/clickhouse/, and how it becomes statements for a given server:
/// full-line <c>--</c> comments are dropped, the text is split at lines ending in <c>;</c> (ClickHouse takes
/// one statement per request), placeholders are filled from <see cref="MigrationContext"/>,
/// <c>{merge_tree}</c> becomes the engine of the table the statement creates, and <c>{modern: X}</c> keeps X
/// only on servers at least <see cref="ServerVersion.Modern"/> (otherwise X is skipped and named in the
/// warnings). A file whose first line is <c>-- cluster-only</c> applies only in cluster mode.
/// </summary>
public sealed partial record MigrationScript(string Name, string Text)
{
    private const string ResourcePrefix = "migrations/clickhouse/";

    public bool ClusterOnly => Text.StartsWith("-- cluster-only", StringComparison.Ordinal);

    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)));

    /// <summary>The embedded files, in name order.</summary>
    public static IReadOnlyList<MigrationScript> LoadEmbedded()
    {
        var assembly = typeof(MigrationScript).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => new MigrationScript(n[ResourcePrefix.Length..], Read(assembly, n)))
            .ToArray();
    }

    /// <summary>The statements to run, and the clauses skipped because the server is too old.</summary>
    public (IReadOnlyList<string> Statements, IReadOnlyList<string> Skipped) Render(MigrationContext context, ServerVersion server)
    {
        var body = string.Join('\n', Text.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal)));
        foreach (var (placeholder, value) in context.Placeholders())
        {
            body = body.Replace(placeholder, value, StringComparison.Ordinal);
        }

        var skipped = new List<string>();
        var modern = server.IsAtLeast(ServerVersion.Modern);
        body = ModernClause().Replace(body, m =>
        {
            if (!modern)
            {
                skipped.Add(m.Groups["clause"].Value.Trim());
            }

            return modern ? m.Groups["clause"].Value.Trim() : "";
        });

        var statements = StatementEnd().Split(body)
            .Select(s => s.Trim())
            .Where(s => s.Length > 0)
            .Select(s => CreatedTable().Match(s) is { Success: true } create
                ? s.Replace("{merge_tree}", context.MergeTreeEngine(create.Groups["name"].Value), StringComparison.Ordinal)
                : s)
            .ToArray();
        return (statements, skipped);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    [GeneratedRegex(@"\{modern:(?<clause>[^{}]*)\}")]
    private static partial Regex ModernClause();

    [GeneratedRegex(@";[ \t]*(?:\n|$)")]
    private static partial Regex StatementEnd();

    [GeneratedRegex(@"^CREATE TABLE (?:IF NOT EXISTS )?(?<name>[A-Za-z0-9_]+\.[A-Za-z0-9_]+)")]
    private static partial Regex CreatedTable();
}
