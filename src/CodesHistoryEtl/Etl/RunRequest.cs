namespace CodesHistoryEtl.Etl;

/// <summary>
/// What a run was asked to do: explicit windows (from <c>--since/--until</c>) or null for a scheduled run
/// that plans from the watermark once it holds the lock; and whether it only looks (<c>--dry-run</c>).
/// </summary>
public sealed record RunRequest(WindowPlanner Planner, IReadOnlyList<Window>? ExplicitWindows, bool DryRun)
{
    public bool IsScheduled => ExplicitWindows is null;
}
