using CodesHistoryEtl.Config;
using Serilog;

namespace CodesHistoryEtl.Journal;

/// <summary>
/// Where the next run starts, one row per process name in <c>&lt;journal&gt;_watermark</c>. Advancing is an
/// upsert with GREATEST, so the stored value never moves back whatever order concurrent or late writers commit in.
/// </summary>
public sealed class WatermarkStore(JournalSettings settings)
{
    private readonly JournalTables _tables = JournalTables.For(settings.Table);

    /// <summary>The watermark, or null when the process has none yet (also before the schema exists: reading never migrates).</summary>
    public async Task<DateTimeOffset?> GetAsync(string processName, CancellationToken ct)
    {
        await using var session = await OpenAsync("read watermark", ct);
        try
        {
            var values = await session.QueryAsync("read watermark", $"SELECT watermark FROM {_tables.Watermark} WHERE process_name = $1",
                r => r.GetFieldValue<DateTimeOffset>(0), ct, processName);
            return values.Count == 0 ? null : values[0];
        }
        catch (JournalException e) when (e.IsUndefinedTable)
        {
            return null;
        }
    }

    /// <summary>Moves the watermark to <paramref name="value"/> unless it is already later; returns the stored value.</summary>
    public async Task<DateTimeOffset> AdvanceAsync(string processName, DateTimeOffset value, CancellationToken ct)
    {
        var sql = $"""
            INSERT INTO {_tables.Watermark} AS w (process_name, watermark) VALUES ($1, $2)
            ON CONFLICT (process_name) DO UPDATE
            SET watermark = GREATEST(w.watermark, EXCLUDED.watermark), updated_at = now()
            RETURNING watermark
            """;
        await using var session = await OpenAsync("advance watermark", ct);
        var stored = (await session.QueryAsync("advance watermark", sql, r => r.GetFieldValue<DateTimeOffset>(0), ct, processName, value))[0];
        if (stored > value)
        {
            Log.Warning("Watermark of {ProcessName} stays at {Watermark}: {Requested} is earlier", processName, stored, value);
        }
        else
        {
            Log.Debug("Watermark of {ProcessName} is now {Watermark}", processName, stored);
        }

        return stored;
    }

    private Task<PgSession> OpenAsync(string operation, CancellationToken ct) => PgSession.OpenAsync(settings.Dsn, operation, dedicated: false, ct);
}
