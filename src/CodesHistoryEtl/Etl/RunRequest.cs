namespace CodesHistoryEtl.Etl;

/// <summary>
/// What a run was asked to do: explicit windows (from <c>--since/--until</c>) or null for a scheduled run
/// that plans from the watermark once it holds the lock; whether it only looks (<c>--dry-run</c>); and whether it is
/// a backfill that skips committed windows (decided under the lock).
/// </summary>
public sealed record RunRequest(WindowPlanner Planner, IReadOnlyList<Window>? ExplicitWindows, bool DryRun, BackfillMode Backfill = BackfillMode.None);
