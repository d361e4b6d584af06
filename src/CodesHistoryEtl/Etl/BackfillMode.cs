namespace CodesHistoryEtl.Etl;

/// <summary>How a run treats windows that are already committed: <c>etl run</c> redoes them, <c>etl backfill</c> skips them unless <c>--force</c>.</summary>
public enum BackfillMode
{
    /// <summary>Not a backfill: every planned window runs.</summary>
    None,

    /// <summary><c>etl backfill</c>: windows covered by committed windows are skipped.</summary>
    SkipCommitted,

    /// <summary><c>etl backfill --force</c>: every window runs again.</summary>
    Force,
}
