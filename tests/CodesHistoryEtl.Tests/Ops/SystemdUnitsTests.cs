using System.Diagnostics;
using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Ops;

/// <summary>The units under ops/systemd: <c>systemd-analyze verify</c> accepts them (and rejects a broken one), and they say what operating needs.</summary>
public sealed class SystemdUnitsTests
{
    private static readonly string UnitsDir = Path.Combine(TestServers.RepoRoot, "ops", "systemd");

    [Fact]
    public async Task Units_pass_systemd_analyze_verify()
    {
        var (code, output) = await VerifyAsync(UnitsDir);
        Assert.True(code == 0, output);
        Assert.Contains("codes-history-etl.service", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_unit_fails_the_verification()
    {
        var broken = Directory.CreateTempSubdirectory("etl-units-");
        try
        {
            foreach (var unit in Directory.GetFiles(UnitsDir))
            {
                File.Copy(unit, Path.Combine(broken.FullName, Path.GetFileName(unit)));
            }

            var service = Path.Combine(broken.FullName, "codes-history-etl.service");
            await File.WriteAllTextAsync(service, (await File.ReadAllTextAsync(service, TestContext.Current.CancellationToken))
                .Replace("Type=oneshot", "Type=oneshot\nOnFailur=codes-history-etl-health.service", StringComparison.Ordinal), TestContext.Current.CancellationToken);

            var (code, output) = await VerifyAsync(broken.FullName);
            Assert.NotEqual(0, code);
            Assert.Contains("OnFailur", output, StringComparison.Ordinal);
        }
        finally
        {
            broken.Delete(recursive: true);
        }
    }

    [Fact]
    public void Service_timer_and_health_hook_say_what_operating_needs()
    {
        var service = Read("codes-history-etl.service");
        foreach (var line in new[]
                 {
                     "Type=oneshot", $"SuccessExitStatus={ExitCodes.Busy}", "EnvironmentFile=/etc/codes-history-etl/etl.env", "User=etl",
                     "TimeoutStartSec=", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                     "ReadWritePaths=/var/lib/codes-history-etl", "OnFailure=codes-history-etl-health.service", "ExecStart=/opt/codes-history-etl/etl run\n",
                 })
        {
            Assert.Contains(line, service, StringComparison.Ordinal);
        }

        var timer = Read("codes-history-etl.timer");
        Assert.Contains("OnCalendar=*-*-* *:07:00", timer, StringComparison.Ordinal);
        Assert.Contains("Persistent=true", timer, StringComparison.Ordinal);
        Assert.Contains("RandomizedDelaySec=", timer, StringComparison.Ordinal);

        var health = Read("codes-history-etl-health.service");
        Assert.Contains("ExecStart=/opt/codes-history-etl/etl health --alert\n", health, StringComparison.Ordinal);
        Assert.Contains($"SuccessExitStatus={ExitCodes.Unhealthy}", health, StringComparison.Ordinal);
        Assert.Contains("Unit=codes-history-etl-health.service", Read("codes-history-etl-health.timer"), StringComparison.Ordinal);
    }

    private static string Read(string unit) => File.ReadAllText(Path.Combine(UnitsDir, unit)).ReplaceLineEndings("\n");

    private static async Task<(int Code, string Output)> VerifyAsync(string directory)
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            TestServers.Unavailable("systemd-analyze", "not installed");
        }

        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(TestServers.RepoRoot, "ops", "verify-units.sh"), directory])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + stderr);
    }
}
