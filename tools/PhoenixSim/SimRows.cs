using CodesHistoryEtl.Etl;

namespace PhoenixSim;

/// <summary>
/// The rows of a simulated table in scan order, each available as its pre-encoded Avatica <c>Row</c> bytes
/// (what a frame carries) and, for parity checks, as a <see cref="SourceRow"/>.
/// </summary>
public abstract class SimRows
{
    public abstract int Count { get; }

    /// <summary>Indexes of the rows whose time column is in <c>[from, to)</c> (epoch ms; NULL never is), in scan order.</summary>
    public abstract int[] IndexesIn(long from, long to);

    /// <summary>Bytes of row <paramref name="index"/>'s encoding.</summary>
    public abstract int EncodedLength(int index);

    /// <summary>Writes row <paramref name="index"/>'s encoding (<see cref="EncodedLength"/> bytes) at the start of <paramref name="destination"/>.</summary>
    public abstract void WriteEncoded(int index, Span<byte> destination);

    /// <summary>Whether the ARRAY column of row <paramref name="index"/> is a non-null array (Avatica's lazy component type).</summary>
    public abstract bool HasNonNullArray(int index);

    public abstract SourceRow RowAt(int index);
}
