using System.Diagnostics;

namespace MagicLink.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own, started by the same script as test.sh's, so the test
/// can freeze or restart it without touching the server every other test shares.
/// </summary>
public sealed class OwnPostgres : IAsyncDisposable
{
    private readonly string _dir;

    private OwnPostgres(string dir, string connectionString)
    {
        _dir = dir;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<OwnPostgres> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("magiclink-own-pg-").FullName;
        var output = await ScriptAsync($"ml_start_postgres '{dir}' {FreePort.Next()} --no-fsync >&2 && printf '%s' \"$MAGICLINK_DB\"");
        return new OwnPostgres(dir, output + ";Maximum Pool Size=50");
    }

    /// <summary>Stops every process of the server (SIGSTOP): connections stay open and nothing answers.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    public Task ThawAsync() => SignalAsync("CONT");

    /// <summary>Stops the server (every connection is cut) and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        var port = (await File.ReadAllLinesAsync(Path.Combine(_dir, "pg", "postmaster.pid")))[3];
        await ScriptAsync($"ml_stop_postgres '{_dir}' >&2 && ml_start_postgres '{_dir}' {port} --no-fsync >&2");
    }

    public async ValueTask DisposeAsync()
    {
        await ThawAsync();
        await ScriptAsync($"ml_stop_postgres '{_dir}' >&2");
        Directory.Delete(_dir, recursive: true);
    }

    private async Task SignalAsync(string signal)
    {
        var postmaster = (await File.ReadAllLinesAsync(Path.Combine(_dir, "pg", "postmaster.pid")))[0];
        // The postmaster and the backends it forked.
        await RunAsync("bash", ["-c", $"kill -{signal} {postmaster} $(pgrep -P {postmaster})"]);
    }

    private static Task<string> ScriptAsync(string command) =>
        RunAsync("bash", ["-c", $"source '{Path.Combine(RepositoryRoot(), "scripts", "postgres.sh")}' && {command}"]);

    private static async Task<string> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {await errors}");
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

        throw new InvalidOperationException("MagicLink.sln not found above " + AppContext.BaseDirectory);
    }
}
