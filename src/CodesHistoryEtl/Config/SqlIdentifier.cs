using System.Text.RegularExpressions;

namespace CodesHistoryEtl.Config;

/// <summary>
/// A validated, optionally schema-qualified SQL identifier (<c>schema.name</c> or <c>name</c>): letters,
/// digits and underscores only, so it can be quoted safely and never carries SQL of its own.
/// </summary>
public sealed partial record SqlIdentifier
{
    private SqlIdentifier(string? schema, string name)
    {
        Schema = schema;
        Name = name;
    }

    public string? Schema { get; }

    public string Name { get; }

    /// <summary>PostgreSQL form: <c>"schema"."name"</c>.</summary>
    public string Quoted => Schema is null ? $"\"{Name}\"" : $"\"{Schema}\".\"{Name}\"";

    public static bool TryParse(string text, out SqlIdentifier? identifier)
    {
        identifier = null;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        identifier = match.Groups["schema"].Success
            ? new SqlIdentifier(match.Groups["schema"].Value, match.Groups["name"].Value)
            : new SqlIdentifier(null, match.Groups["name"].Value);
        return true;
    }

    public static SqlIdentifier Parse(string variable, string text) =>
        TryParse(text, out var identifier)
            ? identifier!
            : throw ConfigException.Invalid(variable, text, "an identifier such as public.inc_processing (letters, digits, _; at most one dot)");

    public override string ToString() => Schema is null ? Name : $"{Schema}.{Name}";

    [GeneratedRegex(@"^(?:(?<schema>[A-Za-z_][A-Za-z0-9_]{0,62})\.)?(?<name>[A-Za-z_][A-Za-z0-9_]{0,62})$")]
    private static partial Regex Pattern();
}
