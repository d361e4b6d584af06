namespace CodesHistoryEtl.Phoenix;

/// <summary>What a decoded frame said about itself: its echoed offset, whether the cursor is exhausted, and its row count.</summary>
internal readonly record struct FrameInfo(long Offset, bool Done, int Rows);
