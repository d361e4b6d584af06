namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// A reused buffer one HTTP reply body is read into, grown to the largest reply seen. What <see cref="ReadAsync"/>
/// returns stays valid until the next read into the same buffer. A Fetch reply's rows are counted as it arrives
/// (<see cref="ScannedOnArrival"/>).
/// </summary>
internal sealed class ReplyBuffer
{
    /// <summary>Most bytes a read takes from the socket: what <see cref="ArrivingFrameScan"/> walks next is then still in cache.</summary>
    private const int ReadBytes = 256 * 1024;

    private readonly ArrivingFrameScan _scan = new();
    private byte[] _bytes = new byte[64 * 1024];

    /// <summary>Reads the whole body of <paramref name="content"/> (no second copy of a large frame).</summary>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength is { } expected && expected > _bytes.Length && expected < int.MaxValue)
        {
            _bytes = new byte[expected];
        }

        await using var stream = await content.ReadAsStreamAsync(ct);
        _scan.Reset();
        var length = 0;
        while (true)
        {
            if (length == _bytes.Length)
            {
                Array.Resize(ref _bytes, _bytes.Length * 2);
            }

            var read = await stream.ReadAsync(_bytes.AsMemory(length, Math.Min(_bytes.Length - length, ReadBytes)), ct);
            if (read == 0)
            {
                return _bytes.AsMemory(0, length);
            }

            length += read;
            _scan.Advance(_bytes.AsSpan(0, length));
        }
    }

    /// <summary>The offset, done flag and row count of <paramref name="frame"/>, counted as the reply arrived; null when that scan did not cover it.</summary>
    public FrameInfo? ScannedOnArrival(ReadOnlySpan<byte> frame) =>
        _bytes.AsSpan().Overlaps(frame, out var start) ? _scan.For(start, frame.Length) : null;
}
