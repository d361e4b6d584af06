using System.Text.Encodings.Web;
using System.Text.Json;
using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Csv;

/// <summary>
/// The rejected rows of one window, as JSON lines <c>{"reason": ..., "row": {"c": ..., ...}}</c> beside the
/// CSV. Opened on the first reject; on commit a window with no rejects removes an older rejects file.
/// </summary>
public sealed class RejectsWriter(ExportSettings export, Window window, TimeZoneInfo businessTz, Guid runId) : IAsyncDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _path = ExportFileNames.Rejects(export, window, businessTz);
    private AtomicFile? _file;
    private Utf8JsonWriter? _json;

    public long Count { get; private set; }

    public string Path => _path;

    public async Task WriteAsync(RejectedRow rejected, CancellationToken ct)
    {
        _file ??= new AtomicFile(_path, runId);
        _json ??= new Utf8JsonWriter(_file.Stream, Options);
        _json.WriteStartObject();
        _json.WriteString("reason", rejected.Reason);
        _json.WriteStartObject("row");
        foreach (var column in Columns.Source)
        {
            WriteValue(_json, column, rejected.Row[column.SourceOrdinal]);
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
        await _json.FlushAsync(ct);
        _json.Reset();
        await _file.Stream.WriteAsync("\n"u8.ToArray(), ct);
        Count++;
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_file is null)
        {
            File.Delete(_path);
            return;
        }

        await _json!.DisposeAsync();
        _json = null;
        await _file.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_json is not null)
        {
            await _json.DisposeAsync();
        }

        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, Column column, FieldValue value)
    {
        if (value.IsNull)
        {
            json.WriteNull(column.Name);
        }
        else if (column.Kind == ColumnKind.StringArray)
        {
            json.WriteStartArray(column.Name);
            foreach (var element in value.Array)
            {
                json.WriteStringValue(Truncate(element));
            }

            json.WriteEndArray();
        }
        else if (column.Kind == ColumnKind.String)
        {
            json.WriteString(column.Name, Truncate(value.Text));
        }
        else
        {
            json.WriteNumber(column.Name, value.Number);
        }
    }

    /// <summary>A rejects file shows the start of a huge value, not all of it; lone surrogates become U+FFFD.</summary>
    private static string? Truncate(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var shown = text.Length > 4096 ? text[..4096] + $"...({text.Length} chars)" : text;
        return shown.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0
            ? shown
            : System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(shown));
    }
}
