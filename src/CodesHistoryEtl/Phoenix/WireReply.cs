using System.Text;

namespace CodesHistoryEtl.Phoenix;

/// <summary>A parsed <c>WireMessage</c>: the response class name and where its wrapped bytes lie in the body.</summary>
internal readonly record struct WireReply(string Name, int PayloadStart, int PayloadLength)
{
    private static readonly uint NameTag = ProtoReader.Tag(1, ProtoReader.LengthDelimited);
    private static readonly uint WrappedTag = ProtoReader.Tag(2, ProtoReader.LengthDelimited);

    public static WireReply Parse(ReadOnlySpan<byte> body)
    {
        var reader = new ProtoReader(body);
        string? name = null;
        int start = 0, length = 0;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == NameTag)
            {
                name = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            }
            else if (tag == WrappedTag)
            {
                var wrapped = reader.ReadLengthDelimited();
                length = wrapped.Length;
                start = reader.Position - length;
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return name is null ? throw new InvalidDataException("no message name") : new WireReply(name, start, length);
    }
}
