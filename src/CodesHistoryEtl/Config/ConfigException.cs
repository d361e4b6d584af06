namespace CodesHistoryEtl.Config;

/// <summary>A missing or malformed configuration variable. The message names the variable and what to do.</summary>
public sealed class ConfigException(string message) : Exception(message)
{
    public static ConfigException Missing(string name, string example) =>
        new($"{name} is required but not set. Set it in the environment or in .env, for example {name}={example}");

    public static ConfigException Invalid(string name, string value, string expected) =>
        new($"{name}='{value}' is not valid: expected {expected}");
}
