using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace PhoenixSim;

/// <summary>
/// One HTTP/1.1 connection of <see cref="SimHttpServer"/>, with blocking socket calls: requests with a
/// Content-Length or chunked body (Expect: 100-continue answered), replies written head and body in one gathering
/// send straight from the caller's buffer, so a frame is never copied on its way to the kernel. A malformed
/// request throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class SimHttpConnection(Socket socket)
{
    private const int MaxLine = 16 * 1024;
    private const int MaxHeaders = 100;
    private const int MaxBody = 64 * 1024 * 1024;

    private readonly byte[] _buffer = new byte[MaxLine];
    private int _start;
    private int _end;

    /// <summary>The next request, or null when the client closed the connection between requests.</summary>
    public SimHttpExchange? ReadRequest()
    {
        if (_start == _end && !Fill())
        {
            return null;
        }

        var requestLine = ReadLine().Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException("not an HTTP/1.x request line");
        }

        var close = requestLine[2] == "HTTP/1.0";
        var (length, chunked, expectContinue) = (0L, false, false);
        string? cookies = null;
        var headers = 0;
        for (var line = ReadLine(); line.Length > 0; line = ReadLine())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || ++headers > MaxHeaders)
            {
                throw new InvalidDataException("malformed or too many headers");
            }

            var value = line[(colon + 1)..].Trim();
            switch (line[..colon].ToUpperInvariant())
            {
                case "CONTENT-LENGTH":
                    length = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= MaxBody
                        ? parsed
                        : throw new InvalidDataException("bad Content-Length");
                    break;
                case "TRANSFER-ENCODING":
                    chunked = value.EndsWith("chunked", StringComparison.OrdinalIgnoreCase)
                        ? true
                        : throw new InvalidDataException("unsupported Transfer-Encoding");
                    break;
                case "EXPECT":
                    expectContinue = value.Equals("100-continue", StringComparison.OrdinalIgnoreCase);
                    break;
                case "COOKIE":
                    cookies = cookies is null ? value : cookies + "; " + value;
                    break;
                case "CONNECTION":
                    close = value.Contains("close", StringComparison.OrdinalIgnoreCase)
                        || (close && !value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase));
                    break;
            }
        }

        if (expectContinue)
        {
            SendAll([new ArraySegment<byte>("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray())]);
        }

        var body = chunked ? ReadChunked() : ReadBody((int)length);
        return new SimHttpExchange(this, requestLine[0], body, cookies, close);
    }

    /// <summary>Writes a whole reply: status line, headers, then <paramref name="body"/> (not copied).</summary>
    public void Write(int status, string? contentType, string? setCookie, ArraySegment<byte> body, bool close)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Date: {DateTime.UtcNow:r}\r\nContent-Length: {body.Count}\r\n");
        if (contentType is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n");
        }

        if (setCookie is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Set-Cookie: {setCookie}\r\n");
        }

        head.Append(close ? "Connection: close\r\n\r\n" : "\r\n");
        SendAll([new ArraySegment<byte>(Encoding.Latin1.GetBytes(head.ToString())), body]);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    };

    private void SendAll(List<ArraySegment<byte>> parts)
    {
        var sent = socket.Send(parts);
        foreach (var part in parts)
        {
            // A blocking send normally takes everything at once; a signal can cut it short.
            var rest = part[Math.Min(sent, part.Count)..];
            sent -= part.Count - rest.Count;
            while (rest.Count > 0)
            {
                rest = rest[socket.Send(rest.AsSpan())..];
            }
        }
    }

    private byte[] ReadBody(int length)
    {
        var body = new byte[length];
        var buffered = Math.Min(length, _end - _start);
        _buffer.AsSpan(_start, buffered).CopyTo(body);
        _start += buffered;
        for (var position = buffered; position < length;)
        {
            var read = socket.Receive(body, position, length - position, SocketFlags.None);
            position += read > 0 ? read : throw new IOException("the client closed the connection inside a request body");
        }

        return body;
    }

    private byte[] ReadChunked()
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeText = ReadLine().Split(';', 2)[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0
                || body.Length + size > MaxBody)
            {
                throw new InvalidDataException("bad chunk size");
            }

            if (size == 0)
            {
                while (ReadLine().Length > 0)
                {
                    // trailers: ignored
                }

                return body.ToArray();
            }

            body.Write(ReadBody(size));
            if (ReadLine().Length > 0)
            {
                throw new InvalidDataException("chunk longer than its size");
            }
        }
    }

    /// <summary>One line without its CRLF (Latin-1: header values are bytes).</summary>
    private string ReadLine()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline).TrimEnd((byte)'\r');
                _start += newline + 1;
                return Encoding.Latin1.GetString(line);
            }

            if (_start == 0 && _end == _buffer.Length)
            {
                throw new InvalidDataException("line too long");
            }

            if (!Fill())
            {
                throw new IOException("the client closed the connection inside a request");
            }
        }
    }

    /// <summary>Reads more bytes into the buffer (moving what is left to its start); false at end of stream.</summary>
    private bool Fill()
    {
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        (_end, _start) = (_end - _start, 0);
        var read = socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        _end += read;
        return read > 0;
    }
}
