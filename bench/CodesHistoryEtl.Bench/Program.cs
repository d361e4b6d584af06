using System.Globalization;
using BenchmarkDotNet.Running;

namespace CodesHistoryEtl.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/CodesHistoryEtl.Bench -- --filter '*'</c> (BenchmarkDotNet), or
/// <c>-- cpu [seconds]</c> for decode rows per CPU-second, <c>-- stages</c> for CPU per row of each etl stage.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "cpu")
        {
            CpuTimeRun.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
            return;
        }

        if (args.Length > 0 && args[0] == "stages")
        {
            StageCpuRun.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
