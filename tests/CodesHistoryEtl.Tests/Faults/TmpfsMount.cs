using System.Diagnostics;
using CodesHistoryEtl.Tests.Support;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>
/// A small tmpfs mounted over a test's directory (root only: as root, chmod does not stop writes, a read-only
/// or full filesystem does). Unmounted on dispose, whatever the test did. Without root or mount the test
/// skips locally and fails under CI=true.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private readonly string _dir;

    private TmpfsMount(string dir) => _dir = dir;

    public static TmpfsMount Over(string dir, string size)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            TestServers.Unavailable("a tmpfs of the test's own", "mounting needs root on Linux");
        }

        var (code, error) = Mount("-t", "tmpfs", "-o", $"size={size}", "tmpfs", dir);
        if (code != 0)
        {
            TestServers.Unavailable("a tmpfs of the test's own", $"mount failed: {error}");
        }

        return new TmpfsMount(dir);
    }

    /// <summary>Remounts with new options, e.g. <c>ro</c>, <c>rw</c>, <c>size=4m</c>.</summary>
    public void Remount(string options)
    {
        var (code, error) = Mount("-o", $"remount,{options}", _dir);
        Assert.True(code == 0, $"mount -o remount,{options} {_dir}: {error}");
    }

    public void Dispose() => Run("umount", "-l", _dir);

    private static (int Code, string Error) Mount(params string[] args) => Run("mount", args);

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Trim());
    }
}
