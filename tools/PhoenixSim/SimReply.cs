using System.Buffers;

namespace PhoenixSim;

/// <summary>
/// One HTTP answer of the simulator: the first <paramref name="Length"/> bytes of <paramref name="Body"/>.
/// <paramref name="IsFrame"/> marks replies that carry a frame (latency applies); a <paramref name="Pooled"/>
/// body goes back to the array pool once written.
/// </summary>
public readonly record struct SimReply(int Status, byte[] Body, int Length, bool IsFrame, bool Pooled)
{
    public SimReply(int status, byte[] body, bool isFrame)
        : this(status, body, body.Length, isFrame, Pooled: false)
    {
    }

    public ReadOnlySpan<byte> Bytes => Body.AsSpan(0, Length);

    public void Release()
    {
        if (Pooled)
        {
            ArrayPool<byte>.Shared.Return(Body);
        }
    }
}
