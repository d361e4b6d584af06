using Npgsql;

namespace CodesHistoryEtl.Config;

/// <summary>
/// PG_DSN in either form users have: the URI <c>postgresql://user:pass@host:5432/db?sslmode=require</c>
/// or Npgsql's <c>Host=...;Username=...</c>. <see cref="Display"/> is safe to log: it never holds the password.
/// </summary>
public sealed record PostgresDsn(string ConnectionString, string Display)
{
    public static PostgresDsn Parse(string variable, string text)
    {
        try
        {
            var builder = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
                          text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUri(text)
                : new NpgsqlConnectionStringBuilder(text);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new FormatException("no host");
            }

            builder.ApplicationName ??= "codes-history-etl";
            var display = $"{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
            return new PostgresDsn(builder.ConnectionString, display);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or UriFormatException or KeyNotFoundException)
        {
            // The raw text may hold a password: never echo it.
            throw new ConfigException(
                $"{variable} is not a valid PostgreSQL DSN ({e.GetType().Name}). Use postgresql://user:pass@host:5432/db or Host=...;Username=...;Database=...");
        }
    }

    private static NpgsqlConnectionStringBuilder FromUri(string text)
    {
        var uri = new Uri(text);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    builder[key] = value;
                    break;
            }
        }

        return builder;
    }
}
