using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace MagicLink.Tests.Foundation;

/// <summary>The chaos run needs the machine to itself: three silos, the API and PostgreSQL of its own.</summary>
[CollectionDefinition(nameof(ChaosAlone), DisableParallelization = true)]
public sealed class ChaosAlone;

/// <summary>
/// Issue 12: a short chaos/run.sh (kill -9 of a silo, then of the silo hosting the hottest link,
/// a PostgreSQL restart and a PostgreSQL freeze, all under load) reconciles with no discrepancy.
/// It starts its own PostgreSQL and processes on its own ports (CHAOS_PG_PORT and the next ten),
/// so it never touches the suite's database; it runs the solution test.sh has built. Its checker
/// must also refuse tampered records (CHAOS_SELF_CHECK).
/// </summary>
[Collection(nameof(ChaosAlone))]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(170);

    [Fact]
    public async Task A_short_chaos_run_reconciles_with_no_discrepancy()
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "chaos", "run.sh")])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The suite's own settings (its database, data dir, ports) are not the chaos run's.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MAGICLINK_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["CHAOS_SECONDS"] = "30";
        start.Environment["CHAOS_CLIENTS"] = "16";
        start.Environment["CHAOS_FLOW_CLIENTS"] = "2";
        start.Environment["CHAOS_FREEZE_SECONDS"] = "5";
        start.Environment["CHAOS_TIMEOUT"] = "15";
        start.Environment["CHAOS_SETTLE"] = "45";
        start.Environment["CHAOS_BUILD"] = "chaos";
        // The checker is also shown records it must refuse (a forgotten 303, swapped Locations,
        // a flipped review): a checker that passes everything would pass this test too otherwise.
        start.Environment["CHAOS_SELF_CHECK"] = "1";
        start.Environment["CHAOS_PG_PORT"] = Environment.GetEnvironmentVariable("CHAOS_TEST_PG_PORT") ?? "27480";

        var text = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(text, e.Data);
        process.ErrorDataReceived += (_, e) => Append(text, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(Limit);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            // SIGTERM first: the script's trap stops what it started, PostgreSQL included.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string all;
        lock (text)
        {
            all = text.ToString();
        }

        output.WriteLine(all);
        Assert.False(timedOut, $"chaos/run.sh did not finish within {Limit.TotalSeconds} s");
        Assert.Contains("CHAOS RECONCILIATION", all, StringComparison.Ordinal);
        Assert.Contains("RECONCILIATION: 0 discrepancies (PASS)", all, StringComparison.Ordinal);
        Assert.Contains("self-check passed", all, StringComparison.Ordinal);
        Assert.Equal(0, process.ExitCode);
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MagicLink.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no MagicLink.sln above {AppContext.BaseDirectory}");
    }
}
