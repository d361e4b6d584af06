using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>
/// The simulated table: rows in primary-key order (c, t, opd) as Phoenix scans them, each pre-encoded as an
/// Avatica <c>Row</c>, so serving a frame is copying bytes. Given rows are kept as they are (fixtures, tests);
/// <see cref="Synthetic"/> builds a compact table of millions of rows (benchmarks, the PhoenixSim exe).
/// </summary>
public sealed class SimDataSet
{
    public SimDataSet(IEnumerable<SourceRow> rows, SimOptions options)
    {
        Options = options;
        var sorted = rows.OrderBy(r => KeyText(r[Columns.COrdinal]), StringComparer.Ordinal)
            .ThenBy(r => r[Columns.TOrdinal].IsNull ? long.MinValue : r[Columns.TOrdinal].Number)
            .ThenBy(r => r[Columns.TimeOrdinal].IsNull ? long.MinValue : r[Columns.TimeOrdinal].Number)
            .ToArray();
        var stored = new StoredRows(sorted, SourceReps(options), Columns.SourceOrdinalOf(options.TsColumn.ToLowerInvariant()));
        Encoded = stored;
        Rows = stored.Rows;
    }

    private SimDataSet(SimRows rows, SimOptions options)
    {
        Options = options;
        Encoded = rows;
        Rows = new LazyRows(rows);
    }

    public SimOptions Options { get; }

    /// <summary>Every row, in the order a scan returns them (a synthetic table decodes them on access).</summary>
    public IReadOnlyList<SourceRow> Rows { get; }

    internal SimRows Encoded { get; }

    internal static Rep[] ExplainReps { get; } = [Rep.String, Rep.Long, Rep.Long, Rep.Long];

    /// <summary>
    /// <paramref name="rowsPerDay"/> rows for each of <paramref name="days"/> UTC days from <paramref name="from"/>,
    /// deterministic per seed, in tens of MB whatever the size (see <see cref="SyntheticRows"/>); the time column must be opd.
    /// </summary>
    public static SimDataSet Synthetic(int seed, DateOnly from, int days, int rowsPerDay, SimOptions options) =>
        string.Equals(options.TsColumn, Columns.Source[Columns.TimeOrdinal].Name, StringComparison.OrdinalIgnoreCase)
            ? new SimDataSet(new SyntheticRows(seed, from, days, rowsPerDay, SourceReps(options)), options)
            : throw new ArgumentException($"A synthetic table filters on opd, not {options.TsColumn}", nameof(options));

    /// <summary>Indexes of the rows a window <c>ts &gt;= from AND ts &lt; to</c> returns (epoch ms), in scan order.</summary>
    public int[] Select(long from, long to) => Encoded.IndexesIn(from, to);

    /// <summary>The rows the window <c>[since, until)</c> returns, in the order the simulator sends them (for parity checks).</summary>
    public IReadOnlyList<SourceRow> RowsIn(DateTimeOffset since, DateTimeOffset until) =>
        Select(since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds()).Select(i => Rows[i]).ToArray();

    /// <summary>A serialized Frame of <paramref name="count"/> rows from <paramref name="start"/> (benchmarks, tests).</summary>
    public byte[] FrameBytes(int start, int count)
    {
        count = Math.Min(count, Encoded.Count - start);
        var result = new SimResult(Encoded, Enumerable.Range(start, count).ToArray());
        var reply = WireBytes.FrameReply(nameof(FetchResponse), null, result, 0, count, start, start + count >= Encoded.Count);
        try
        {
            var wrapped = WireMessage.Parser.ParseFrom(reply.Bytes).WrappedMessage;
            return FetchResponse.Parser.ParseFrom(wrapped).Frame.ToByteArray();
        }
        finally
        {
            reply.Release();
        }
    }

    private static Rep[] SourceReps(SimOptions options) => Columns.Source.Select(c => SimTable.TypeOf(c, options).Rep).ToArray();

    private static string KeyText(FieldValue value) => value.IsNull ? "" : value.Text;

    private sealed class LazyRows(SimRows rows) : IReadOnlyList<SourceRow>
    {
        public int Count => rows.Count;

        public SourceRow this[int index] => rows.RowAt(index);

        public IEnumerator<SourceRow> GetEnumerator()
        {
            for (var i = 0; i < rows.Count; i++)
            {
                yield return rows.RowAt(i);
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
