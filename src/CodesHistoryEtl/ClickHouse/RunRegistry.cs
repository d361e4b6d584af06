using System.Buffers;
using Serilog;

namespace CodesHistoryEtl.ClickHouse;

/// <summary>
/// Writes <see cref="EtlRunRecord"/>s to <c>{meta}.etl_runs</c> (created by migration 003). A failure to
/// write is logged and swallowed: the registry never masks the result of the run it describes.
/// </summary>
public sealed class RunRegistry(ClickHouseClient client, string metaDatabase = MigrationContext.DefaultMetaDatabase)
{
    private const int MaxErrorChars = 4000;

    private static readonly string Columns =
        "job, run_id, started_at, finished_at, status, rows_read, rows_written, err_msg, from_ts, to_ts, host, version_tag";

    /// <summary>Records <paramref name="run"/>; returns false (after logging why) when it could not.</summary>
    public async Task<bool> RecordRunAsync(EtlRunRecord run, CancellationToken ct)
    {
        try
        {
            var settings = client.Settings;
            var buffer = new ArrayBufferWriter<byte>();
            Encode(buffer, run, settings.Password);
            var sql = $"INSERT INTO {metaDatabase}.etl_runs ({Columns}) FORMAT RowBinary";
            await client.InsertAsync("record run", sql, buffer.WrittenMemory, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // the message, not the stack trace: this is an expected outcome when ClickHouse is what failed the run
            Log.Error("Could not record run {RunId} ({Status}) in {Database}.etl_runs: {Error}; the run's own result stands",
                run.RunId, run.Status, metaDatabase, e.Message);
            return false;
        }
    }

    private static void Encode(IBufferWriter<byte> output, EtlRunRecord run, string password)
    {
        RowBinary.WriteString(output, run.Job);
        RowBinary.WriteUuid(output, run.RunId);
        RowBinary.WriteDateTime(output, run.StartedAt.ToUnixTimeSeconds(), "started_at");
        RowBinary.WriteDateTime(output, run.FinishedAt.ToUnixTimeSeconds(), "finished_at");
        RowBinary.WriteString(output, run.Status);
        RowBinary.WriteInt64(output, run.RowsRead);
        RowBinary.WriteInt64(output, run.RowsWritten);
        RowBinary.WriteString(output, Scrub(run.ErrMsg ?? "", password));
        WriteNullableDateTime(output, run.From, "from_ts");
        WriteNullableDateTime(output, run.To, "to_ts");
        RowBinary.WriteString(output, run.Host);
        RowBinary.WriteString(output, run.VersionTag);
    }

    private static void WriteNullableDateTime(IBufferWriter<byte> output, DateTimeOffset? value, string column)
    {
        RowBinary.WriteUInt8(output, value is null ? (byte)1 : (byte)0);
        if (value is { } instant)
        {
            RowBinary.WriteDateTime(output, instant.ToUnixTimeSeconds(), column);
        }
    }

    /// <summary>No secret is stored: the ClickHouse password is masked, and the text is bounded.</summary>
    private static string Scrub(string message, string password)
    {
        var masked = password.Length > 0 ? message.Replace(password, "***", StringComparison.Ordinal) : message;
        return masked.Length <= MaxErrorChars ? masked : masked[..MaxErrorChars] + "...";
    }
}
