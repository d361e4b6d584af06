using CodesHistoryEtl.Config;
using Npgsql;

namespace CodesHistoryEtl.Journal;

/// <summary>Removes the PostgreSQL password from any text that is about to be logged, thrown or stored.</summary>
public sealed class SecretScrubber
{
    public const string Mask = "***";

    private readonly string? _password;

    public SecretScrubber(PostgresDsn dsn)
    {
        var password = new NpgsqlConnectionStringBuilder(dsn.ConnectionString).Password;
        _password = string.IsNullOrEmpty(password) ? null : password;
    }

    public string Scrub(string text)
    {
        if (_password is null || text.Length == 0)
        {
            return text;
        }

        // The URI form may carry it percent-encoded.
        return text
            .Replace(_password, Mask, StringComparison.Ordinal)
            .Replace(Uri.EscapeDataString(_password), Mask, StringComparison.Ordinal);
    }
}
