namespace CodesHistoryEtl.Tests.Phoenix;

/// <summary>A clock the test moves by hand, for the simulator's idle expiry.</summary>
internal sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2025, 8, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}
