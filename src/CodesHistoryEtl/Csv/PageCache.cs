using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CodesHistoryEtl.Csv;

/// <summary>
/// Hands a written file's pages back to the kernel. The run writes gigabytes of CSV a day that it never reads again;
/// left in the page cache they push out what other processes (ClickHouse, PostgreSQL) cache, and every new window
/// takes fresh pages. Dropped after the fsync (clean pages only), they are free for the next window to reuse.
/// Linux only; elsewhere, and on any error, it does nothing: it is advice, never a reason to fail a window.
/// </summary>
internal static class PageCache
{
    private const int PosixFadvDontNeed = 4;

    public static void Drop(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = PosixFadvise(file, 0, 0, PosixFadvDontNeed);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // a libc without posix_fadvise: the pages stay cached, as they would anywhere else
        }
    }

    [DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int PosixFadvise(SafeFileHandle fd, long offset, long length, int advice);
}
