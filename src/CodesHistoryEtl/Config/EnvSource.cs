namespace CodesHistoryEtl.Config;

/// <summary>
/// The variables the settings are read from: a <c>.env</c> file first, then the process environment on top
/// (the environment wins; the file never overwrites what is already set). The only reader of the environment.
/// </summary>
public static class EnvSource
{
    public const string DefaultFile = ".env";

    /// <param name="envFile">An explicit <c>--env FILE</c> (must exist), or null for <c>./.env</c> if present.</param>
    public static IReadOnlyDictionary<string, string> Load(string? envFile)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = envFile ?? DefaultFile;
        if (envFile is not null && !File.Exists(envFile))
        {
            throw new ConfigException($"--env file '{envFile}' does not exist");
        }

        if (File.Exists(path))
        {
            var options = new DotNetEnv.LoadOptions(setEnvVars: false, clobberExistingVars: false, onlyExactPath: true);
            foreach (var (key, value) in DotNetEnv.Env.Load(path, options))
            {
                values[key] = value;
            }
        }

        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            values[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return values;
    }
}
