using CodesHistoryEtl.Phoenix;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;
using static CodesHistoryEtl.Tests.Phoenix.FrameDecoderTests;

namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>The rows of a Fetch reply counted as it arrives, chunk by chunk, against the frame scan of the whole reply.</summary>
public sealed class ArrivingFrameScanTests
{
    private const string FetchResponseName = "org.apache.calcite.avatica.proto.Responses$FetchResponse";

    public static TheoryData<int> ChunkSizes => new(1, 2, 3, 7, 64, 1000, int.MaxValue);

    private static byte[] Reply(IMessage response, string name = FetchResponseName) => Body(name, response.ToByteArray());

    /// <summary>A WireMessage written by hand: name, then wrapped_message holding <paramref name="payload"/> as it is.</summary>
    private static byte[] Body(string name, byte[] payload) =>
        [.. Field(1, System.Text.Encoding.ASCII.GetBytes(name)), .. Field(2, payload)];

    private static byte[] Field(int number, byte[] bytes)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            output.WriteTag(number, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(bytes));
        }

        return stream.ToArray();
    }

    private static Frame Rows(int count, long offset, bool done)
    {
        var frame = Frame([.. Enumerable.Range(0, count).Select(i => Cells(Text(new string('r', i * 37 % 300)), Number(i), Number(i * 1000L), Array("a")))]);
        frame.Offset = (ulong)offset;
        frame.Done = done;
        return frame;
    }

    /// <summary>Feeds <paramref name="body"/> in chunks of <paramref name="chunk"/> bytes; returns the scan's answer for the reply's frame.</summary>
    private static (FrameInfo? Arrived, FrameInfo Scanned) Scan(byte[] body, int chunk)
    {
        var scan = new ArrivingFrameScan();
        scan.Reset();
        for (var length = 0; length < body.Length;)
        {
            length = (int)Math.Min((long)length + chunk, body.Length);
            scan.Advance(body.AsSpan(0, length));
        }

        var wrapped = WireReply.Parse(body);
        var frame = ResultParts.ReadFetch(body.AsSpan(wrapped.PayloadStart, wrapped.PayloadLength)).Frame;
        Assert.True(body.AsSpan().Overlaps(frame, out var start));
        return (scan.For(start, frame.Length), FrameDecoder.Scan(frame));
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void A_fetch_reply_in_any_chunks_counts_as_the_scan_of_the_whole_frame(int chunk)
    {
        foreach (var frame in new[] { Rows(300, 5_000, false), Rows(1, 0, true), Rows(0, 123_456_789, true), Rows(200, 0, false) })
        {
            var (arrived, scanned) = Scan(Reply(new FetchResponse { Frame = frame }), chunk);
            Assert.Equal(scanned, arrived);
        }
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Replies_in_another_layout_are_left_to_the_frame_scan(int chunk)
    {
        var frame = Rows(3, 10, false).ToByteArray();
        var replies = new[]
        {
            // FetchResponse's missing_results (field 3) before its frame
            Body(FetchResponseName, [0x18, 0x01, .. Field(1, frame)]),
            // another response's name
            Reply(new FetchResponse { Frame = Rows(3, 10, false) }, "org.apache.calcite.avatica.proto.Responses$ExecuteResponse"),
            // a frame whose offset comes after its rows
            Body(FetchResponseName, Field(1, [.. Rows(3, 0, false).ToByteArray(), 0x08, 0x0A])),
            // a frame with a field it does not know between its rows
            Body(FetchResponseName, Field(1, [.. frame, 0x20, 0x01, .. Rows(1, 0, false).ToByteArray()])),
        };
        foreach (var body in replies)
        {
            var (arrived, scanned) = Scan(body, chunk);
            Assert.Null(arrived);
            Assert.True(scanned.Rows > 0);
        }
    }
}
