namespace CodesHistoryEtl.Phoenix;

/// <summary>
/// The parts of an <c>ExecuteResponse</c> (its first <c>ResultSetResponse</c>) or a <c>FetchResponse</c>,
/// located without copying, so the frame can go straight to the <see cref="FrameDecoder"/>.
/// </summary>
internal readonly ref struct ResultParts
{
    public bool MissingStatement { get; init; }

    public bool MissingResults { get; init; }

    public int ResultCount { get; init; }

    public bool HasSignature { get; init; }

    public ReadOnlySpan<byte> Signature { get; init; }

    public bool HasFrame { get; init; }

    public ReadOnlySpan<byte> Frame { get; init; }

    /// <summary>ExecuteResponse { results = 1; missing_statement = 2 } and ResultSetResponse { signature = 4; first_frame = 5 }.</summary>
    public static ResultParts ReadExecute(ReadOnlySpan<byte> executeResponse)
    {
        var reader = new ProtoReader(executeResponse);
        var missing = false;
        var count = 0;
        ReadOnlySpan<byte> first = default;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == ProtoReader.Tag(1, ProtoReader.LengthDelimited))
            {
                var result = reader.ReadLengthDelimited();
                if (count++ == 0)
                {
                    first = result;
                }
            }
            else if (tag == ProtoReader.Tag(2, ProtoReader.Varint))
            {
                missing = reader.ReadBool();
            }
            else
            {
                reader.Skip(tag);
            }
        }

        bool hasSignature = false, hasFrame = false;
        ReadOnlySpan<byte> signature = default, frame = default;
        reader = new ProtoReader(first);
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == ProtoReader.Tag(4, ProtoReader.LengthDelimited))
            {
                hasSignature = true;
                signature = reader.ReadLengthDelimited();
            }
            else if (tag == ProtoReader.Tag(5, ProtoReader.LengthDelimited))
            {
                hasFrame = true;
                frame = reader.ReadLengthDelimited();
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return new ResultParts
        {
            MissingStatement = missing, ResultCount = count, HasSignature = hasSignature, Signature = signature,
            HasFrame = hasFrame, Frame = frame,
        };
    }

    /// <summary>FetchResponse { frame = 1; missing_statement = 2; missing_results = 3 }.</summary>
    public static ResultParts ReadFetch(ReadOnlySpan<byte> fetchResponse)
    {
        var reader = new ProtoReader(fetchResponse);
        bool hasFrame = false, missingStatement = false, missingResults = false;
        ReadOnlySpan<byte> frame = default;
        while (!reader.End)
        {
            var tag = reader.ReadTag();
            if (tag == ProtoReader.Tag(1, ProtoReader.LengthDelimited))
            {
                hasFrame = true;
                frame = reader.ReadLengthDelimited();
            }
            else if (tag == ProtoReader.Tag(2, ProtoReader.Varint))
            {
                missingStatement = reader.ReadBool();
            }
            else if (tag == ProtoReader.Tag(3, ProtoReader.Varint))
            {
                missingResults = reader.ReadBool();
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return new ResultParts { HasFrame = hasFrame, Frame = frame, MissingStatement = missingStatement, MissingResults = missingResults };
    }
}
