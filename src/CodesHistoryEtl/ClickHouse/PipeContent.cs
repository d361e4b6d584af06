using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// A RowBinary request body read from a <see cref="PipeReader"/> as the writer fills it, optionally gzip-compressed.
/// When the writer completes with an error (the window was abandoned) the body ends with an incomplete row, so
/// the server rejects the whole insert instead of committing the rows it had: a body that merely breaks off is
/// no protection, ClickHouse 18.16 takes a chunked body cut off at a row boundary for its end and commits it.
/// Blocks the server committed before (max_insert_block_size rows each) stay; the next replace of the window removes them.
/// </summary>
internal sealed class PipeContent : HttpContent
{
    /// <summary>A String length prefix (varint 2^28 - 1) with no bytes after it: never a complete row.</summary>
    private static readonly byte[] IncompleteRow = [0xFF, 0xFF, 0xFF, 0x7F];

    private readonly PipeReader _reader;
    private readonly bool _gzip;

    public PipeContent(PipeReader reader, bool gzip)
    {
        _reader = reader;
        _gzip = gzip;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (gzip)
        {
            Headers.ContentEncoding.Add("gzip");
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // Not disposed on failure: a gzip trailer must not make a broken-off body look complete.
        var body = _gzip ? new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true) : stream;
        try
        {
            // The request's headers go out now, not with the first chunk of rows: until ClickHouse has them it counts the
            // connection as idle and closes it after keep_alive_timeout (3 s by default), while a window that trickles in
            // can take longer than that to fill a chunk. Once it has them, it waits for the body up to its receive timeout.
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _reader.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
            if (_gzip)
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }

            await _reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await _reader.CompleteAsync(e).ConfigureAwait(false);
            if (!await TryEndWithIncompleteRowAsync(body, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    /// <summary>Writes the incomplete row and ends the body properly; false when the connection is already gone.</summary>
    private async Task<bool> TryEndWithIncompleteRowAsync(Stream body, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            await body.WriteAsync(IncompleteRow, ct).ConfigureAwait(false);
            if (_gzip)
            {
                await body.DisposeAsync().ConfigureAwait(false); // a complete gzip stream around the incomplete row
            }
            else
            {
                await body.FlushAsync(ct).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
