using System.Collections.Immutable;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// The column list, defined once. <see cref="Source"/> is what the Phoenix query selects, in order;
/// <see cref="Target"/> is what the CSV and ClickHouse receive, in order (the seed's DDL order).
/// Every reader and writer is driven by these lists (immutable arrays: a hot loop over them allocates nothing). A
/// per-row loop takes <c>AsSpan()</c> once: a span's accesses are plain loads whatever the compiler inlines (the
/// ReadyToRun build shipped before native AOT paid a call per ImmutableArray access, ~2.5% of a run).
/// </summary>
public static class Columns
{
    /// <summary>Derived: lowercase hex md5 of did (declared before <see cref="Target"/>, which holds these instances).</summary>
    public static readonly Column Id = new("id", ColumnKind.String, Nullable: true, IdOrdinal);

    /// <summary>Derived: the window's upper bound.</summary>
    public static readonly Column Ts = new("ts", ColumnKind.DateTime, Nullable: false, TsOrdinal);

    /// <summary>Derived: 1 when the row repeats an earlier row of the window on the sort key.</summary>
    public static readonly Column Q = new("q", ColumnKind.UInt8, Nullable: false, QOrdinal);

    /// <summary>The source columns of TBL_JTI_TRACE_CIS_HISTORY, in SELECT order. The time column is at <see cref="TimeOrdinal"/>.</summary>
    public static readonly ImmutableArray<Column> Source = [.. BuildSource()];

    /// <summary>The target columns of stg.daily_codes_history that the ETL writes, in table order.</summary>
    public static readonly ImmutableArray<Column> Target = [.. BuildTarget()];

    /// <summary><see cref="Target"/> as the per-row writers walk it (a plain array: <c>AsSpan()</c> it once a row).</summary>
    public static readonly TargetValue[] TargetValues = Target.Select(TargetValue.Of).ToArray();

    /// <summary>
    /// The derived columns' <see cref="Column.SourceOrdinal"/>s: constants, so the per-value code tells them apart
    /// without reading a static field (which cost the earlier ReadyToRun build a helper call each time).
    /// </summary>
    public const int IdOrdinal = -1;
    public const int TsOrdinal = -2;
    public const int QOrdinal = -3;

    public const int COrdinal = 0;
    public const int TOrdinal = 1;
    public const int TimeOrdinal = 2;

    /// <summary>Source ordinal of <c>did</c>, the input of the derived <c>id</c>.</summary>
    public static readonly int DidOrdinal = SourceOrdinalOf("did");

    /// <summary>Source ordinals of the sort key <c>(c, opd, et, st, ste)</c> that decides <c>q</c>.</summary>
    public static readonly int[] SortKeyOrdinals = new[] { "c", "opd", "et", "st", "ste" }.Select(SourceOrdinalOf).ToArray();

    public static int SourceOrdinalOf(string name)
    {
        foreach (var column in Source)
        {
            if (column.Name == name)
            {
                return column.SourceOrdinal;
            }
        }

        throw new ArgumentException($"No source column named '{name}'", nameof(name));
    }

    private static (string Name, ColumnKind Kind, bool Nullable)[] SourceSpec() =>
    [
        ("c", ColumnKind.String, false), ("t", ColumnKind.UInt8, false), ("opd", ColumnKind.DateTime, false),
        ("did", ColumnKind.String, true), ("rid", ColumnKind.String, true), ("rinn", ColumnKind.String, true),
        ("rn", ColumnKind.String, true), ("sid", ColumnKind.String, true), ("sinn", ColumnKind.String, true),
        ("sn", ColumnKind.String, true), ("gt", ColumnKind.String, true), ("prid", ColumnKind.String, true),
        ("st", ColumnKind.UInt8, true), ("ste", ColumnKind.UInt8, true), ("elr", ColumnKind.UInt8, true),
        ("emd", ColumnKind.DateTime, true), ("apd", ColumnKind.DateTime, true), ("exd", ColumnKind.DateTime, true),
        ("p", ColumnKind.String, true), ("pt", ColumnKind.UInt8, true), ("o", ColumnKind.String, true),
        ("pn", ColumnKind.String, true), ("b", ColumnKind.String, true), ("tt", ColumnKind.Int64, true),
        ("tm", ColumnKind.DateTime, true), ("ch", ColumnKind.StringArray, true), ("j", ColumnKind.String, true),
        ("pg", ColumnKind.UInt16, true), ("et", ColumnKind.UInt8, true), ("pvad", ColumnKind.String, true),
        ("ag", ColumnKind.String, true),
    ];

    private static Column[] BuildSource() =>
        SourceSpec().Select((s, i) => new Column(s.Name, s.Kind, s.Nullable, i)).ToArray();

    private static Column[] BuildTarget()
    {
        var target = new List<Column>();
        foreach (var column in BuildSource())
        {
            if (column.Name == "did")
            {
                target.Add(Id);
            }

            // ch is Array(String) in ClickHouse: a NULL source array is written as [].
            target.Add(column.Name == "ch" ? column with { Nullable = false } : column);
        }

        target.Add(Ts);
        target.Add(Q);
        return target.ToArray();
    }
}
