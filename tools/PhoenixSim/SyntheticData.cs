using System.Globalization;
using CodesHistoryEtl.Etl;

namespace PhoenixSim;

/// <summary>
/// Deterministic synthetic rows (same seed and range, same rows): NULLs in optional columns, arrays of 0..4
/// elements with NULL elements and NULL arrays, Cyrillic, emoji, quotes, newlines and long strings, rows exactly
/// on hour and day bounds and 1 ms before them, and duplicates of the sort key (c, opd, et, st, ste) with a
/// different t. Days are UTC days starting at <c>from</c> 00:00Z.
/// </summary>
public static class SyntheticData
{
    private const long Hour = 3_600_000;
    private const long Day = 24 * Hour;

    internal static readonly string[] Names =
    [
        "ТОО «Ромашка»", "ИП Иванов И.И.", "Kazakh Tobacco \"Q\"", "Магазин 🛒 №1", "Comma, inc.", "Line\nbreak LLP",
        "Ærø — Ünïcödé", "東京商事", "plain",
    ];

    public static IReadOnlyList<SourceRow> Generate(int seed, DateOnly from, int days, int rowsPerDay)
    {
        var random = new Random(seed);
        var catalog = new SyntheticCatalog(random);
        var rows = new List<SourceRow>(days * rowsPerDay);
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (var day = 0; day < days; day++)
        {
            var dayStart = start + day * Day;
            for (var i = 0; i < rowsPerDay; i++)
            {
                rows.Add(i % 40 == 39 && rows.Count > 0
                    ? Duplicate(rows[^1], random)
                    : Row(random, catalog, rows.Count, OpdFor(random, i, dayStart)));
            }
        }

        return rows;
    }

    private static long OpdFor(Random random, int i, long dayStart) => (i % 50) switch
    {
        _ when i == 0 => dayStart,
        0 => dayStart + random.Next(24) * Hour,
        1 => dayStart + (1 + random.Next(23)) * Hour - 1,
        _ => dayStart + random.NextInt64(Day),
    };

    private static SourceRow Row(Random r, SyntheticCatalog catalog, int serial, long opd)
    {
        var v = new FieldValue[Columns.Source.Length];
        v[0] = FieldValue.FromText($"0104601234567890215{serial:D9}{(char)('A' + r.Next(26))}" + (r.Next(10) == 0 ? "\u001d91EE07" : ""));
        v[1] = FieldValue.FromNumber(r.Next(12));
        v[2] = FieldValue.FromNumber(opd);
        Set(v, r, "did", () => FieldValue.FromText(r.NextInt64().ToString("x16", CultureInfo.InvariantCulture)));
        // Participants and products repeat across rows, as in the real table.
        var (receiver, sender, product) = (catalog.Participant(), catalog.Participant(), catalog.Product());
        Set(v, r, "rid", () => FieldValue.FromText(receiver.Id));
        Set(v, r, "rinn", () => FieldValue.FromText(receiver.Inn));
        Set(v, r, "rn", () => FieldValue.FromText(receiver.Name));
        Set(v, r, "sid", () => FieldValue.FromText(sender.Id));
        Set(v, r, "sinn", () => FieldValue.FromText(sender.Inn));
        Set(v, r, "sn", () => FieldValue.FromText(sender.Name));
        Set(v, r, "gt", () => FieldValue.FromText(product.Gtin));
        Set(v, r, "prid", () => FieldValue.FromText(product.Id));
        Set(v, r, "pn", () => FieldValue.FromText(product.Name));
        Set(v, r, "b", () => FieldValue.FromText(product.Brand));
        foreach (var tiny in new[] { "st", "ste", "elr", "pt", "et" })
        {
            Set(v, r, tiny, () => FieldValue.FromNumber(r.Next(10)));
        }

        foreach (var time in new[] { "emd", "apd", "exd", "tm" })
        {
            Set(v, r, time, () => FieldValue.FromNumber(opd + r.NextInt64(-400 * Day, 400 * Day)));
        }

        foreach (var text in new[] { "p", "o", "pvad", "ag" })
        {
            Set(v, r, text, () => FieldValue.FromText(Names[r.Next(Names.Length)] + " " + r.Next(1000)));
        }

        Set(v, r, "tt", () => FieldValue.FromNumber(r.NextInt64(long.MinValue, long.MaxValue)));
        Set(v, r, "pg", () => FieldValue.FromNumber(r.Next(10) == 0 ? 65535 : r.Next(65536)));
        Set(v, r, "j", () => FieldValue.FromText(r.Next(50) == 0 ? "{\"long\":\"" + new string('ж', 5000) + "\"}" : "{\"k\":" + r.Next() + "}"));
        v[Columns.SourceOrdinalOf("ch")] = r.Next(10) switch
        {
            0 => FieldValue.Null,
            1 => FieldValue.FromArray([]),
            _ => FieldValue.FromArray(Enumerable.Range(0, 1 + r.Next(4))
                .Select(e => r.Next(6) == 0 ? null : (e % 3 == 2 ? "🙂 элемент" : "ch" + r.Next(100)))
                .ToArray()),
        };
        return new SourceRow(v);
    }

    /// <summary>Same c, opd, et, st, ste as <paramref name="previous"/>; another t, so the key (c, t, opd) stays unique.</summary>
    private static SourceRow Duplicate(SourceRow previous, Random r)
    {
        var v = (FieldValue[])previous.Values.Clone();
        v[Columns.TOrdinal] = FieldValue.FromNumber(previous[Columns.TOrdinal].Number + 1);
        v[Columns.SourceOrdinalOf("rn")] = FieldValue.FromText("dup " + r.Next(1000));
        return new SourceRow(v);
    }

    private static void Set(FieldValue[] values, Random r, string column, Func<FieldValue> value) =>
        values[Columns.SourceOrdinalOf(column)] = r.Next(100) < 15 ? FieldValue.Null : value();
}
