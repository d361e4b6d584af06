using System.Globalization;
using System.Runtime.InteropServices;
using CodesHistoryEtl.Config;

namespace PhoenixSim;

/// <summary>
/// <c>PhoenixSim --port 8765 --seed 1 --from 2025-08-01 --days 2 --rows-per-day N --ts-units timestamp|millis
/// [--fixture rows.jsonl] [--table T] [--ts-column opd]</c>: serves until SIGINT/SIGTERM.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Dictionary<string, string> options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync("usage: PhoenixSim [--port 8765] [--seed 1] [--from 2025-08-01] [--days 2] [--rows-per-day 10000] [--ts-units timestamp|millis] [--fixture rows.jsonl] [--table T] [--ts-column opd]");
            return 2;
        }

        string Get(string key, string fallback) => options.TryGetValue(key, out var value) ? value : fallback;
        var sim = new SimOptions
        {
            Table = Get("table", "TBL_JTI_TRACE_CIS_HISTORY"),
            TsColumn = Get("ts-column", "opd"),
            TsUnits = Enum.Parse<TimeUnits>(Get("ts-units", "timestamp"), ignoreCase: true),
        };
        var data = options.TryGetValue("fixture", out var fixture)
            ? new SimDataSet(FixtureFile.Read(fixture), sim)
            : SimDataSet.Synthetic(int.Parse(Get("seed", "1"), CultureInfo.InvariantCulture),
                DateOnly.ParseExact(Get("from", "2025-08-01"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                int.Parse(Get("days", "2"), CultureInfo.InvariantCulture), int.Parse(Get("rows-per-day", "10000"), CultureInfo.InvariantCulture), sim);

        await using var simulator = new PhoenixSimulator(data);
        var stop = new TaskCompletionSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        await simulator.StartAsync(int.Parse(Get("port", "8765"), CultureInfo.InvariantCulture), CancellationToken.None);
        Console.WriteLine($"PhoenixSim serving {data.Rows.Count} rows of {sim.Table} ({sim.TsUnits}) at {simulator.Url}");
        await stop.Task;
        return 0;
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }
}
