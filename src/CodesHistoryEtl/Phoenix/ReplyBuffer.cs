namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// A reused buffer one HTTP reply body is read into, grown to the largest reply seen. What <see cref="ReadAsync"/>
/// returns stays valid until the next read into the same buffer.
/// </summary>
internal sealed class ReplyBuffer
{
    private byte[] _bytes = new byte[64 * 1024];

    /// <summary>Reads the whole body of <paramref name="content"/> (no second copy of a large frame).</summary>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength is { } expected && expected > _bytes.Length && expected < int.MaxValue)
        {
            _bytes = new byte[expected];
        }

        await using var stream = await content.ReadAsStreamAsync(ct);
        var length = 0;
        while (true)
        {
            if (length == _bytes.Length)
            {
                Array.Resize(ref _bytes, _bytes.Length * 2);
            }

            var read = await stream.ReadAsync(_bytes.AsMemory(length), ct);
            if (read == 0)
            {
                return _bytes.AsMemory(0, length);
            }

            length += read;
        }
    }
}
