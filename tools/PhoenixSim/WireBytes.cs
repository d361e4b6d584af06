using System.Buffers;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>
/// Hand-assembled protobuf for the hot path: a reply carrying a frame is written in one pass into one pooled
/// buffer (WireMessage, response, frame header, then the pre-encoded rows), so serving a row is one copy.
/// </summary>
internal static class WireBytes
{
    private const int LengthDelimited = 2;
    private const string ResponsePrefix = "org.apache.calcite.avatica.proto.Responses$";

    /// <summary>
    /// WireMessage { name; wrapped: FetchResponse { frame } } or, with <paramref name="resultSetPrefix"/> (a
    /// serialized ResultSetResponse without its frame), WireMessage { name; wrapped: ExecuteResponse { results: [prefix + first_frame] } }.
    /// </summary>
    public static SimReply FrameReply(string responseName, byte[]? resultSetPrefix, SimResult result, int start, int count, long offset, bool done)
    {
        var frameLength = (offset != 0 ? 1 + CodedOutputStream.ComputeUInt64Size((ulong)offset) : 0) + (done ? 2 : 0);
        var rows = result.Rows;
        var lengths = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        for (var i = 0; i < count; i++)
        {
            lengths[i] = rows.EncodedLength(result.IndexAt(start + i));
            frameLength += Field(lengths[i]);
        }

        var resultSetLength = resultSetPrefix is null ? 0 : resultSetPrefix.Length + Field(frameLength);
        var payloadLength = resultSetPrefix is null ? Field(frameLength) : Field(resultSetLength);
        var name = System.Text.Encoding.UTF8.GetBytes(ResponsePrefix + responseName);
        var total = Field(name.Length) + Field(payloadLength);

        var buffer = ArrayPool<byte>.Shared.Rent(total);
        var position = WriteField(buffer, 0, 1, name);
        position = WriteHeader(buffer, position, 2, payloadLength);
        if (resultSetPrefix is not null)
        {
            position = WriteHeader(buffer, position, 1, resultSetLength);
            resultSetPrefix.CopyTo(buffer, position);
            position += resultSetPrefix.Length;
            position = WriteHeader(buffer, position, 5, frameLength);
        }
        else
        {
            position = WriteHeader(buffer, position, 1, frameLength);
        }

        if (offset != 0)
        {
            buffer[position++] = 1 << 3;
            position = WriteVarint(buffer, position, (ulong)offset);
        }

        if (done)
        {
            buffer[position++] = 2 << 3;
            buffer[position++] = 1;
        }

        for (var i = 0; i < count; i++)
        {
            position = WriteHeader(buffer, position, 3, lengths[i]);
            rows.WriteEncoded(result.IndexAt(start + i), buffer.AsSpan(position, lengths[i]));
            position += lengths[i];
        }

        ArrayPool<int>.Shared.Return(lengths);
        return new SimReply(200, buffer, position, IsFrame: true, Pooled: true);
    }

    /// <summary>WireMessage { name = 1; wrapped_message = 2 } for a small response.</summary>
    public static byte[] Wire(string responseName, ReadOnlySpan<byte> payload)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(ResponsePrefix + responseName);
        var buffer = new byte[Field(name.Length) + Field(payload.Length)];
        var position = WriteField(buffer, 0, 1, name);
        position = WriteHeader(buffer, position, 2, payload.Length);
        payload.CopyTo(buffer.AsSpan(position));
        return buffer;
    }

    /// <summary>Bytes of a length-delimited field (one-byte tag) holding <paramref name="length"/> bytes.</summary>
    private static int Field(int length) => 1 + CodedOutputStream.ComputeLengthSize(length) + length;

    private static int WriteField(byte[] buffer, int position, int field, ReadOnlySpan<byte> content)
    {
        position = WriteHeader(buffer, position, field, content.Length);
        content.CopyTo(buffer.AsSpan(position));
        return position + content.Length;
    }

    private static int WriteHeader(byte[] buffer, int position, int field, int length)
    {
        buffer[position++] = (byte)((field << 3) | LengthDelimited);
        return WriteVarint(buffer, position, (ulong)length);
    }

    private static int WriteVarint(byte[] buffer, int position, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[position++] = (byte)value;
        return position;
    }
}
