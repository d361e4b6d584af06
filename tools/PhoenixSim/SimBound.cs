namespace PhoenixSim;

/// <summary>One window bound of a <see cref="SimQuery"/>: a <c>?</c> placeholder or a literal in epoch ms.</summary>
public readonly record struct SimBound(bool IsParameter, long Millis)
{
    public static SimBound Parameter { get; } = new(true, 0);

    public static SimBound Literal(long millis) => new(false, millis);
}
