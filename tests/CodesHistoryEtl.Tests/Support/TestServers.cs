namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// Where the local servers are: the KEY=value file written by <c>ops/services.sh start</c>
/// (<c>$ETL_SERVICES_ENV</c>, else the nearest <c>.services/services.env</c> above the test binaries).
/// </summary>
public static class TestServers
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Values = new(Load);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Get(string key) => Values.Value.TryGetValue(key, out var value) ? value : null;

    /// <summary>The repository root (the folder holding CodesHistoryEtl.sln).</summary>
    public static string RepoRoot { get; } = FindUp("CodesHistoryEtl.sln") is { } sln ? Path.GetDirectoryName(sln)! : Directory.GetCurrentDirectory();

    /// <summary>Fails under CI=true, skips locally: a test that needs a server never silently passes without it.</summary>
    public static void Unavailable(string server, string reason)
    {
        var message = $"{server} is not available ({reason}). Start it with: ops/services.sh start";
        if (IsCi)
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    private static Dictionary<string, string> Load()
    {
        var path = Environment.GetEnvironmentVariable("ETL_SERVICES_ENV") ?? FindUp(Path.Combine(".services", "services.env"));
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path))
        {
            return values;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && !line.StartsWith('#'))
            {
                values[line[..eq]] = line[(eq + 1)..];
            }
        }

        return values;
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
