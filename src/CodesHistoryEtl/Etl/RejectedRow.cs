namespace CodesHistoryEtl.Etl;

/// <summary>A source row that cannot be exported as it is, with the reason (names the column and the rule).</summary>
public sealed record RejectedRow(SourceRow Row, string Reason);
