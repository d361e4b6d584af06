namespace CodesHistoryEtl.Phoenix;

/// <summary>Phoenix's EXPLAIN of a window query, one plan step per line.</summary>
public sealed record ExplainPlan(string Text)
{
    /// <summary>A range filter on a non-key column makes Phoenix read the whole table for every window.</summary>
    public bool IsFullScan => Text.Contains("FULL SCAN", StringComparison.OrdinalIgnoreCase);
}
