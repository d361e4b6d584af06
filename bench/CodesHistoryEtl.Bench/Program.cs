using BenchmarkDotNet.Running;

namespace CodesHistoryEtl.Bench;

/// <summary><c>dotnet run -c Release --project bench/CodesHistoryEtl.Bench -- --filter '*'</c></summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
