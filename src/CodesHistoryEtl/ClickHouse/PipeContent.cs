using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// A request body read from a <see cref="PipeReader"/> as the writer fills it, optionally gzip-compressed.
/// When the writer completes with an error the body breaks off without its end, so the server rejects the
/// insert instead of committing a truncated one.
/// </summary>
internal sealed class PipeContent : HttpContent
{
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
        try
        {
            if (_gzip)
            {
                // Not disposed on failure: a gzip trailer must not make a broken-off body look complete.
                var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
                await _reader.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
                await gzip.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await _reader.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            await _reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await _reader.CompleteAsync(e).ConfigureAwait(false);
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
