namespace CodesHistoryEtl.Tests.Support;

/// <summary>Tests that capture the static Serilog logger: run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LogCaptureCollection
{
    public const string Name = "Log capture";
}
