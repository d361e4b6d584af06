namespace CodesHistoryEtl.Phoenix;

/// <summary>One pass over an Avatica <c>TypedValue</c>: the fields a text, number or array column needs.</summary>
internal readonly ref struct TypedValueParts
{
    public const int ArrayRep = 27;
    public static readonly uint ArrayValueTag = ProtoReader.Tag(8, ProtoReader.LengthDelimited);
    private static readonly uint TypeTag = ProtoReader.Tag(1, ProtoReader.Varint);
    private static readonly uint StringTag = ProtoReader.Tag(3, ProtoReader.LengthDelimited);
    private static readonly uint NumberTag = ProtoReader.Tag(4, ProtoReader.Varint);
    private static readonly uint NullTag = ProtoReader.Tag(7, ProtoReader.Varint);

    /// <summary>The Rep number (21 = STRING, 13 = LONG, 24 = NULL, 27 = ARRAY ...).</summary>
    public int Type { get; init; }

    public bool IsNull { get; init; }

    public long Number { get; init; }

    public ReadOnlySpan<byte> Text { get; init; }

    public int ArrayCount { get; init; }

    public static TypedValueParts Read(ReadOnlySpan<byte> typedValue)
    {
        var reader = new ProtoReader(typedValue);
        int type = 0, arrayCount = 0;
        var isNull = false;
        long number = 0;
        ReadOnlySpan<byte> text = default;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == StringTag)
            {
                text = reader.ReadLengthDelimited();
            }
            else if (tag == NumberTag)
            {
                number = reader.ReadSInt64();
            }
            else if (tag == NullTag)
            {
                isNull = reader.ReadBool();
            }
            else if (tag == TypeTag)
            {
                type = (int)reader.ReadVarint();
            }
            else if (tag == ArrayValueTag)
            {
                reader.ReadLengthDelimited();
                arrayCount++;
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return new TypedValueParts { Type = type, IsNull = isNull, Number = number, Text = text, ArrayCount = arrayCount };
    }
}
