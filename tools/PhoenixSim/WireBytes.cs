using Google.Protobuf;

namespace PhoenixSim;

/// <summary>Hand-assembled protobuf for the hot path: frames are concatenations of pre-encoded rows.</summary>
internal static class WireBytes
{
    private const int LengthDelimited = 2;

    /// <summary>Frame { offset = 1; done = 2; rows = 3 } from pre-encoded Row messages.</summary>
    public static byte[] Frame(byte[][] rows, int start, int count, long offset, bool done)
    {
        var size = (offset != 0 ? 1 + CodedOutputStream.ComputeUInt64Size((ulong)offset) : 0) + (done ? 2 : 0);
        for (var i = start; i < start + count; i++)
        {
            size += 1 + CodedOutputStream.ComputeLengthSize(rows[i].Length) + rows[i].Length;
        }

        var buffer = new byte[size];
        var position = 0;
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

        for (var i = start; i < start + count; i++)
        {
            buffer[position++] = (3 << 3) | LengthDelimited;
            position = WriteVarint(buffer, position, (ulong)rows[i].Length);
            rows[i].CopyTo(buffer, position);
            position += rows[i].Length;
        }

        return buffer;
    }

    /// <summary><paramref name="prefix"/> followed by field <paramref name="field"/> holding <paramref name="content"/>.</summary>
    public static byte[] AppendField(ReadOnlySpan<byte> prefix, int field, ReadOnlySpan<byte> content)
    {
        var buffer = new byte[prefix.Length + 1 + CodedOutputStream.ComputeLengthSize(content.Length) + content.Length];
        prefix.CopyTo(buffer);
        var position = prefix.Length;
        buffer[position++] = (byte)((field << 3) | LengthDelimited);
        position = WriteVarint(buffer, position, (ulong)content.Length);
        content.CopyTo(buffer.AsSpan(position));
        return buffer;
    }

    /// <summary>WireMessage { name = 1; wrapped_message = 2 }.</summary>
    public static byte[] Wire(string responseName, ReadOnlySpan<byte> payload)
    {
        var name = System.Text.Encoding.UTF8.GetBytes("org.apache.calcite.avatica.proto.Responses$" + responseName);
        var buffer = new byte[2 + CodedOutputStream.ComputeLengthSize(name.Length) + name.Length
            + CodedOutputStream.ComputeLengthSize(payload.Length) + payload.Length];
        buffer[0] = (1 << 3) | LengthDelimited;
        var position = WriteVarint(buffer, 1, (ulong)name.Length);
        name.CopyTo(buffer, position);
        position += name.Length;
        buffer[position++] = (2 << 3) | LengthDelimited;
        position = WriteVarint(buffer, position, (ulong)payload.Length);
        payload.CopyTo(buffer.AsSpan(position));
        return buffer;
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
