using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;

namespace PhoenixSim;

/// <summary>
/// The simulated table: rows in primary-key order (c, t, opd) as Phoenix scans them, each row pre-encoded
/// once as an Avatica <c>Row</c>, so serving a frame is copying bytes.
/// </summary>
public sealed class SimDataSet
{
    private readonly long?[] _times;

    public SimDataSet(IEnumerable<SourceRow> rows, SimOptions options)
    {
        Options = options;
        Rows = rows.OrderBy(r => KeyText(r[Columns.COrdinal]), StringComparer.Ordinal)
            .ThenBy(r => r[Columns.TOrdinal].IsNull ? long.MinValue : r[Columns.TOrdinal].Number)
            .ThenBy(r => r[Columns.TimeOrdinal].IsNull ? long.MinValue : r[Columns.TimeOrdinal].Number)
            .ToArray();
        TsOrdinal = Columns.SourceOrdinalOf(options.TsColumn.ToLowerInvariant());
        _times = Rows.Select(r => r[TsOrdinal].IsNull ? (long?)null : r[TsOrdinal].Number).ToArray();
        var reps = Columns.Source.Select(c => SimTable.TypeOf(c, options).Rep).ToArray();
        EncodedRows = Rows.Select(r => RowEncoder.Encode(r.Values, reps)).ToArray();
    }

    public SimOptions Options { get; }

    /// <summary>Every row, in the order a scan returns them.</summary>
    public IReadOnlyList<SourceRow> Rows { get; }

    internal byte[][] EncodedRows { get; }

    internal int TsOrdinal { get; }

    /// <summary>Indexes of the rows a window <c>ts &gt;= from AND ts &lt; to</c> returns (epoch ms), in scan order.</summary>
    public int[] Select(long from, long to)
    {
        var hits = new List<int>();
        for (var i = 0; i < _times.Length; i++)
        {
            if (_times[i] is { } t && t >= from && t < to)
            {
                hits.Add(i);
            }
        }

        return [.. hits];
    }

    /// <summary>The rows the window <c>[since, until)</c> returns, in the order the simulator sends them (for parity checks).</summary>
    public IReadOnlyList<SourceRow> RowsIn(DateTimeOffset since, DateTimeOffset until) =>
        Select(since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds()).Select(i => Rows[i]).ToArray();

    /// <summary>A serialized Frame of <paramref name="count"/> rows from <paramref name="start"/> (benchmarks, tests).</summary>
    public byte[] FrameBytes(int start, int count)
    {
        var frame = new CodesHistoryEtl.Phoenix.Proto.Frame { Offset = (ulong)start, Done = start + count >= Rows.Count };
        frame.Rows.AddRange(EncodedRows.Skip(start).Take(count).Select(CodesHistoryEtl.Phoenix.Proto.Row.Parser.ParseFrom));
        return Google.Protobuf.MessageExtensions.ToByteArray(frame);
    }

    /// <summary>Whether the given rows include a non-null array in the ARRAY column (Avatica's lazy component type).</summary>
    internal bool HasNonNullArray(IEnumerable<int> rowIndexes)
    {
        var ordinal = Columns.Source.First(c => c.Kind == ColumnKind.StringArray).SourceOrdinal;
        return rowIndexes.Any(i => !Rows[i][ordinal].IsNull);
    }

    internal static Rep[] ExplainReps { get; } = [Rep.String, Rep.Long, Rep.Long, Rep.Long];

    private static string KeyText(FieldValue value) => value.IsNull ? "" : value.Text;
}
