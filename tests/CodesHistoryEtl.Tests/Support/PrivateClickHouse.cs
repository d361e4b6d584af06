using System.Diagnostics;

namespace CodesHistoryEtl.Tests.Support;

/// <summary>
/// A ClickHouse server of one test's own (single node, no cluster, no ZooKeeper) in a temporary directory on free
/// loopback ports, for tests that stop a server: <see cref="Stop"/> kills it (as a crash would), <see cref="StartAsync"/>
/// starts it again on the same data. Dispose kills it and deletes the directory. Needs clickhouse-server on PATH
/// (ops/services.sh installs it): without it the test skips locally and fails under CI.
/// </summary>
public sealed class PrivateClickHouse : IAsyncDisposable
{
    public const string User = "etl";

    /// <summary>The private server's password (checked never to appear in the etl's output).</summary>
    public const string Password = "private_ch_secret";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("etl-private-ch-");
    private readonly int _tcpPort = FreePort.Get();
    private Process? _server;

    private PrivateClickHouse()
    {
        Url = new Uri($"http://127.0.0.1:{FreePort.Get()}/");
        File.WriteAllText(Path.Combine(_dir.FullName, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{_dir.FullName}/server.log</log><errorlog>{_dir.FullName}/error.log</errorlog></logger>
              <listen_host>127.0.0.1</listen_host>
              <http_port>{Url.Port}</http_port>
              <tcp_port>{_tcpPort}</tcp_port>
              <max_concurrent_queries>20</max_concurrent_queries>
              <mark_cache_size>67108864</mark_cache_size>
              <path>{_dir.FullName}/data/</path>
              <tmp_path>{_dir.FullName}/tmp/</tmp_path>
              <user_files_path>{_dir.FullName}/user_files/</user_files_path>
              <format_schema_path>{_dir.FullName}/format_schemas/</format_schema_path>
              <users_config>{_dir.FullName}/users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>UTC</timezone>
            </yandex>
            """);
        File.WriteAllText(Path.Combine(_dir.FullName, "users.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
              <users>
                <{User}><password>{Password}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></{User}>
              </users>
              <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
            </yandex>
            """);
    }

    public Uri Url { get; }

    /// <summary>Starts a new private server and waits until it answers /ping.</summary>
    public static async Task<PrivateClickHouse> StartNewAsync()
    {
        if (FindOnPath("clickhouse-server") is null)
        {
            TestServers.Unavailable("clickhouse-server", "not on PATH");
        }

        var server = new PrivateClickHouse();
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same data directory and waits for /ping.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("clickhouse-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"--config-file={Path.Combine(_dir.FullName, "config.xml")}");
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; ; i++)
        {
            Assert.False(_server.HasExited, $"private clickhouse-server exited with {(_server.HasExited ? _server.ExitCode : 0)}: {ErrorLog()}");
            try
            {
                if ((await http.GetStringAsync(new Uri(Url, "ping"), TestContext.Current.CancellationToken)).StartsWith("Ok", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(i < 600, "private clickhouse-server did not answer /ping within 60 s: " + ErrorLog());
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Kills the server (SIGKILL: connections break off, nothing is flushed) and waits for it to be gone.</summary>
    public void Stop()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }

        _server?.Dispose();
        _server = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _dir.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private string ErrorLog()
    {
        var path = Path.Combine(_dir.FullName, "error.log");
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(5)) : "(no error.log)";
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
