using System.Globalization;

namespace CodesHistoryEtl.Config;

/// <summary>Typed, validated reads of single variables. Every failure is a <see cref="ConfigException"/> naming the variable.</summary>
internal sealed class SettingsReader(IReadOnlyDictionary<string, string> values)
{
    public string? Optional(string name) =>
        values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public string String(string name, string fallback) => Optional(name) ?? fallback;

    public int Int(string name, int fallback, int min, int max)
    {
        var text = Optional(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw ConfigException.Invalid(name, text, $"a whole number from {min} to {max}");
    }

    public bool Bool(string name, bool fallback)
    {
        var text = Optional(name);
        return text?.ToLowerInvariant() switch
        {
            null => fallback,
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw ConfigException.Invalid(name, text, "true or false"),
        };
    }

    public T Enum<T>(string name, T fallback)
        where T : struct, System.Enum
    {
        var text = Optional(name);
        if (text is null)
        {
            return fallback;
        }

        return System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _)
            ? value
            : throw ConfigException.Invalid(name, text, "one of " + string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));
    }

    public Uri? HttpUrl(string name, string? fallback)
    {
        var text = Optional(name) ?? fallback;
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (uri.UserInfo.Length > 0)
            {
                throw new ConfigException($"{name} must not carry credentials in the URL; use the separate user and password variables");
            }

            return uri;
        }

        throw ConfigException.Invalid(name, text, "an http:// or https:// URL such as http://127.0.0.1:8765");
    }

    public TimeZoneInfo TimeZone(string name, string fallback)
    {
        var text = String(name, fallback);
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(text);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw ConfigException.Invalid(name, text, "an IANA time zone such as Asia/Almaty");
        }
    }

    public SqlIdentifier Identifier(string name, string fallback) => SqlIdentifier.Parse(name, String(name, fallback));
}
