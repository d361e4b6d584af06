using System.Diagnostics;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Ops;

public sealed class SystemdUnitsTests
{
    [Fact]
    public async Task Units_pass_systemd_analyze_verify()
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            TestServers.Unavailable("systemd-analyze", "not installed");
        }

        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(TestServers.RepoRoot, "ops", "verify-units.sh")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, stderr);
    }

    [Fact]
    public void Service_treats_busy_as_success_and_timer_is_persistent()
    {
        var service = File.ReadAllText(Path.Combine(TestServers.RepoRoot, "ops", "systemd", "codes-history-etl.service"));
        var timer = File.ReadAllText(Path.Combine(TestServers.RepoRoot, "ops", "systemd", "codes-history-etl.timer"));
        Assert.Contains($"SuccessExitStatus={CodesHistoryEtl.Cli.ExitCodes.Busy}", service, StringComparison.Ordinal);
        Assert.Contains("Type=oneshot", service, StringComparison.Ordinal);
        Assert.Contains("Persistent=true", timer, StringComparison.Ordinal);
    }
}
