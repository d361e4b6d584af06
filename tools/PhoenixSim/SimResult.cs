namespace PhoenixSim;

/// <summary>The rows of an executed query: indexes into pre-encoded rows, in the order they are served.</summary>
internal sealed class SimResult(SimRows rows, int[] indexes)
{
    public SimRows Rows { get; } = rows;

    public int Count => indexes.Length;

    public int IndexAt(int position) => indexes[position];

    /// <summary>Keeps the first <paramref name="limit"/> rows (max_rows_total).</summary>
    public SimResult Take(long limit) => limit >= Count ? this : new SimResult(Rows, indexes[..(int)limit]);

    public bool HasNonNullArray(int count) => indexes.Take(count).Any(Rows.HasNonNullArray);
}
