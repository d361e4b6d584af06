using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Tests.Support;
using static CodesHistoryEtl.Tests.Support.SampleRows;

namespace CodesHistoryEtl.Tests.Etl;

/// <summary>The window's key set on its own: growth, probing and Clear over many keys, against exact answers.</summary>
public sealed class DuplicateKeysTests
{
    private static readonly DateTimeOffset At = new(2025, 8, 1, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Many_distinct_keys_are_new_once_and_repeats_ever_after_also_across_growths_and_after_clear()
    {
        // 200k keys that differ little: codes one character apart, the same few opd and et values (the table grows 7 times)
        var rows = Enumerable.Range(0, 200_000)
            .Select(i => WireRows.Of(Make($"0104650117241{i:D7}", 1, At.AddSeconds(i % 7), ("et", i % 3 == 0 ? FieldValue.Null : Number(i % 5)))))
            .ToList();
        var keys = new DuplicateKeys();

        Assert.All(rows, row => Assert.False(keys.IsRepeat(row)));
        Assert.All(rows, row => Assert.True(keys.IsRepeat(row)));

        keys.Clear();
        Assert.False(keys.IsRepeat(rows[^1]));
        Assert.True(keys.IsRepeat(rows[^1]));
        Assert.False(keys.IsRepeat(rows[0]));
    }

    [Fact]
    public void Only_the_sort_key_counts_and_null_differs_from_every_value()
    {
        var keys = new DuplicateKeys();
        Assert.False(keys.IsRepeat(WireRows.Of(Make("c", 1, At, ("st", Number(0)), ("rn", Text("x"))))));
        Assert.True(keys.IsRepeat(WireRows.Of(Make("c", 2, At, ("st", Number(0)), ("rn", Text("y")))))); // t and rn are not in the key
        Assert.False(keys.IsRepeat(WireRows.Of(Make("c", 1, At))));                                      // st NULL, not 0
        Assert.False(keys.IsRepeat(WireRows.Of(Make("c", 1, At, ("ste", Number(0))))));                  // ste 0 is not st 0
        Assert.False(keys.IsRepeat(WireRows.Of(Make("c", 1, At.AddSeconds(1), ("st", Number(0))))));
        Assert.False(keys.IsRepeat(WireRows.Of(Make("cc", 1, At, ("st", Number(0))))));
    }
}
