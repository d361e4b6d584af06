using System.Diagnostics;
using System.Text;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// The real <c>etl</c> exe as a child process with its own environment: for exit codes, signals, kill -9
/// and runs racing for the lock. <c>ETL_EXE</c> names a published binary to run (ops/test.sh sets it to the native
/// executable users install); without it, <c>dotnet etl.dll</c> from the exe's own build output (same configuration
/// as the tests, with its own deps.json: the copy beside the tests lacks assemblies the exe loads).
/// </summary>
public sealed class EtlProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private EtlProcess(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo(PublishedExe ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (PublishedExe is null)
        {
            start.ArgumentList.Add(EtlDll);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // only what the test says: no PG_DSN or CI settings leak in from the test runner
        foreach (var key in start.Environment.Keys.Where(k => k is not ("PATH" or "HOME" or "DOTNET_ROOT" or "TMPDIR")).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        // no diagnostics IPC: a child killed with SIGKILL would leave its sockets and pipes in /tmp
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>src/CodesHistoryEtl/bin/&lt;configuration&gt;/&lt;tfm&gt;/etl.dll, matching the tests' own bin folder.</summary>
    public static string EtlDll { get; } = Path.Combine(TestServers.RepoRoot, "src", "CodesHistoryEtl",
        Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."), AppContext.BaseDirectory), "etl.dll");

    /// <summary>The published binary <c>ETL_EXE</c> names, or null to run <see cref="EtlDll"/>.</summary>
    public static string? PublishedExe { get; } = Environment.GetEnvironmentVariable("ETL_EXE") is { Length: > 0 } exe
        ? File.Exists(exe) ? Path.GetFullPath(exe) : throw new FileNotFoundException($"ETL_EXE names {exe}, which does not exist: publish it with ops/publish.sh")
        : null;

    public int Pid => _process.Id;

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    public static EtlProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) => new(environment, args);

    /// <summary>Runs to the end and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var code = await process.WaitAsync();
        return (code, process.Stdout, process.Stderr);
    }

    public async Task<int> WaitAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until stderr shows <paramref name="text"/> (a log line marking the moment to act).</summary>
    public async Task WaitForLogAsync(string text)
    {
        for (var i = 0; i < 1200 && !Stderr.Contains(text, StringComparison.Ordinal); i++)
        {
            Assert.False(_process.HasExited, $"etl exited before logging '{text}': {Stderr}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Contains(text, Stderr, StringComparison.Ordinal);
    }

    public void Kill9() => _process.Kill(entireProcessTree: true);

    public void Signal(int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
