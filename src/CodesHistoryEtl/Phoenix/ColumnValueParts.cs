namespace CodesHistoryEtl.Phoenix;

/// <summary>One pass over an Avatica <c>ColumnValue</c>: which of its three representations are present.</summary>
internal readonly ref struct ColumnValueParts
{
    public static readonly uint ValueTag = ProtoReader.Tag(1, ProtoReader.LengthDelimited);
    public static readonly uint ArrayValueTag = ProtoReader.Tag(2, ProtoReader.LengthDelimited);
    private static readonly uint HasArrayValueTag = ProtoReader.Tag(3, ProtoReader.Varint);
    private static readonly uint ScalarValueTag = ProtoReader.Tag(4, ProtoReader.LengthDelimited);

    public bool HasArrayValue { get; init; }

    public int ArrayCount { get; init; }

    public bool HasScalar { get; init; }

    public ReadOnlySpan<byte> Scalar { get; init; }

    public int ValueCount { get; init; }

    public ReadOnlySpan<byte> FirstValue { get; init; }

    public static ColumnValueParts Read(ReadOnlySpan<byte> columnValue)
    {
        var reader = new ProtoReader(columnValue);
        bool hasArray = false, hasScalar = false;
        int arrayCount = 0, valueCount = 0;
        ReadOnlySpan<byte> scalar = default, firstValue = default;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == ScalarValueTag)
            {
                scalar = reader.ReadLengthDelimited();
                hasScalar = true;
            }
            else if (tag == ValueTag)
            {
                var value = reader.ReadLengthDelimited();
                if (valueCount++ == 0)
                {
                    firstValue = value;
                }
            }
            else if (tag == ArrayValueTag)
            {
                reader.ReadLengthDelimited();
                arrayCount++;
            }
            else if (tag == HasArrayValueTag)
            {
                hasArray = reader.ReadBool();
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return new ColumnValueParts
        {
            HasArrayValue = hasArray, ArrayCount = arrayCount, HasScalar = hasScalar, Scalar = scalar,
            ValueCount = valueCount, FirstValue = firstValue,
        };
    }
}
