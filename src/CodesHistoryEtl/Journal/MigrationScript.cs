using System.Security.Cryptography;
using System.Text;

namespace CodesHistoryEtl.Journal;

/// <summary>One forward-only migration: its file name (the sort key) and its SQL text.</summary>
public sealed record MigrationScript(string Name, string Sql)
{
    /// <summary>SHA-256 (hex) of the text as written, before placeholder substitution; line endings normalized to LF.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    /// <summary>The scripts embedded in the exe under <c>migrations/{folder}/</c>, in name (ordinal) order.</summary>
    public static IReadOnlyList<MigrationScript> Embedded(string folder)
    {
        var assembly = typeof(MigrationScript).Assembly;
        var prefix = $"migrations/{folder}/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return new MigrationScript(n[prefix.Length..], reader.ReadToEnd());
            })
            .ToList();
    }
}
