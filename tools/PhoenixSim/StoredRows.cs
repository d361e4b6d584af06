using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;

namespace PhoenixSim;

/// <summary>Given rows, kept as objects and each encoded once (fixtures, tests, EXPLAIN plans).</summary>
internal sealed class StoredRows : SimRows
{
    private static readonly int ArrayOrdinal = Columns.Source.First(c => c.Kind == ColumnKind.StringArray).SourceOrdinal;

    private readonly SourceRow[] _rows;
    private readonly byte[][] _encoded;
    private readonly int _timeOrdinal;

    public StoredRows(SourceRow[] rows, IReadOnlyList<Rep> reps, int timeOrdinal)
    {
        _rows = rows;
        _encoded = rows.Select(r => RowEncoder.Encode(r.Values, reps)).ToArray();
        _timeOrdinal = timeOrdinal;
    }

    public IReadOnlyList<SourceRow> Rows => _rows;

    public override int Count => _rows.Length;

    public override int[] IndexesIn(long from, long to) => Enumerable.Range(0, _rows.Length)
        .Where(i => _rows[i][_timeOrdinal] is { IsNull: false } time && time.Number >= from && time.Number < to)
        .ToArray();

    public override int EncodedLength(int index) => _encoded[index].Length;

    public override void WriteEncoded(int index, Span<byte> destination) => _encoded[index].CopyTo(destination);

    public override bool HasNonNullArray(int index) => !_rows[index][ArrayOrdinal].IsNull;

    public override SourceRow RowAt(int index) => _rows[index];
}
