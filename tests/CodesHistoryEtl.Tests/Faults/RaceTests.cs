using CodesHistoryEtl.Cli;
using CodesHistoryEtl.Tests.Support;
using PhoenixSim;

namespace CodesHistoryEtl.Tests.Faults;

/// <summary>Runs of one PROCESS_NAME started together: exactly one works, the others exit Busy at once naming the holder.</summary>
public sealed class RaceTests(PostgresFixture postgres, ClickHouseFixture clickHouse)
{
    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public async Task Runs_started_together_one_works_the_others_exit_busy_naming_the_holder(int count)
    {
        var windows = FaultScenario.Hours(2);
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, SyntheticData.Generate(5, new DateOnly(2025, 7, 31), 2, 1_000));
        await FaultScenario.MigrateAsync(pipeline);
        // The winner waits at the gate after its first window, holding the run lock, until every other run has ended.
        await using var gate = await WatermarkGate.CloseAsync(pipeline);

        var runs = Enumerable.Range(0, count).Select(_ => pipeline.Start(FaultScenario.RunArgs(windows))).ToList();
        try
        {
            var exits = runs.Select(r => r.WaitAsync()).ToList();
            var pending = exits.ToList();
            for (var ended = 0; ended < count - 1; ended++)
            {
                pending.Remove(await Task.WhenAny(pending));
            }

            var winner = runs[exits.IndexOf(pending.Single())];
            await gate.WaitUntilBlockedAsync(winner, pending[0]); // overlap: the winner is mid-run, after every loser ended
            foreach (var loser in runs.Where(r => r != winner))
            {
                Assert.True(await exits[runs.IndexOf(loser)] == ExitCodes.Busy, loser.Stderr);
                Assert.Contains($"PROCESS_NAME '{pipeline.ProcessName}' is busy", loser.Stderr, StringComparison.Ordinal);
                // named by the journal row (host, pid, started) or, before that row exists, by the lock's session (pid, host, since)
                Assert.Matches($@"Holder: (run \d+ on host {Environment.MachineName} pid {winner.Pid}, started 20|.*\(codes-history-etl pid {winner.Pid} host {Environment.MachineName}\), connected since 20)",
                    loser.Stderr);
                Assert.DoesNotContain("Took the run lock", loser.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("Run of ", loser.Stderr, StringComparison.Ordinal);
            }

            await gate.OpenAsync();
            Assert.True(await pending[0] == ExitCodes.Ok, winner.Stderr);
        }
        finally
        {
            runs.ForEach(r => r.Dispose());
        }

        var journal = await pipeline.RunsAsync();
        Assert.Single(journal);
        await FaultEndings.AssertLandedAsync(pipeline, windows);
    }

    [Fact]
    public async Task Ten_migrations_started_together_on_fresh_databases_all_succeed()
    {
        await using var pipeline = await Pipeline.StartAsync(postgres, clickHouse, []);
        var runs = Enumerable.Range(0, 10).Select(_ => pipeline.Start("--migrate-only")).ToList();
        try
        {
            foreach (var run in runs)
            {
                Assert.True(await run.WaitAsync() == ExitCodes.Ok, run.Stderr);
            }
        }
        finally
        {
            runs.ForEach(r => r.Dispose());
        }

        var again = await FaultScenario.MigrateAsync(pipeline);
        Assert.Equal(2, again.Stdout.Split('\n').Count(l => l.EndsWith(": nothing pending", StringComparison.Ordinal)));
    }
}
