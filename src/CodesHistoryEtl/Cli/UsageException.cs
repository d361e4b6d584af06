namespace CodesHistoryEtl.Cli;

/// <summary>A bad command-line argument: the message names it and shows an accepted form (exit 64).</summary>
public sealed class UsageException(string message) : Exception(message);
