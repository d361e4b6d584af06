namespace CodesHistoryEtl.Cli;

/// <summary>Every exit code the exe returns, in one place (listed in the README). Never negative.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The run failed: a window could not be read or written, or rejects exceeded MAX_REJECTS. The watermark stays at the last committed window.</summary>
    public const int Failed = 1;

    /// <summary><c>etl health</c> found a problem (one line per problem on stdout).</summary>
    public const int Unhealthy = 2;

    /// <summary>Bad command-line arguments (sysexits EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>Another run of the same PROCESS_NAME holds the lock: nothing was done (sysexits EX_TEMPFAIL).</summary>
    public const int Busy = 75;

    /// <summary>A configuration variable is missing or malformed (sysexits EX_CONFIG).</summary>
    public const int Config = 78;

    /// <summary>Stopped by SIGINT/SIGTERM at a safe point (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
