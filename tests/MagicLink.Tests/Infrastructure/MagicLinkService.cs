using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Silo.Extensions;
using MagicLink.Tests.Contract;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MagicLink.Tests.Infrastructure;

/// <summary>
/// The whole service in this process, built by the same code as the real executables: silos on
/// real TCP ports joined through the PostgreSQL membership table, and the API on a real Kestrel
/// port talking to them as an Orleans client.
/// </summary>
public sealed class MagicLinkService : IAsyncDisposable
{
    private readonly List<WebApplication?> _silos = [];
    private readonly Dictionary<string, string> _extra;
    private readonly TimeProvider? _time;
    private readonly bool _apiInSilo;
    private readonly ILoggerProvider? _siloLogs;
    private readonly List<WebApplication> _apis = [];

    private MagicLinkService(string database, Dictionary<string, string> extra, TimeProvider? time, bool apiInSilo, ILoggerProvider? siloLogs)
    {
        Database = database;
        _extra = extra;
        _time = time;
        _apiInSilo = apiInSilo;
        _siloLogs = siloLogs;
        HttpPort = FreePort.Next();
        Http = new HttpClient(new ContractCheck()) { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Database { get; }

    public int HttpPort { get; }

    public string AdminToken { get; } = "test-admin-" + Guid.NewGuid().ToString("N");

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A client without credentials, for the public pages and for refusals.</summary>
    public HttpClient Http { get; }

    public IReadOnlyList<WebApplication?> Silos => _silos;

    public IServiceProvider ApiServices => _apis.FirstOrDefault()?.Services ?? throw new InvalidOperationException("The API is not running.");

    public IClusterClient Grains => ApiServices.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Starts the service. <paramref name="time"/> replaces the domain clock (expiry, timestamps) in
    /// every silo and API, never the clock Orleans itself runs on. With <paramref name="apiInSilo"/>
    /// the API runs inside the first silo's process (MAGICLINK_SERVE_API), as the silo's Program does.
    /// <paramref name="siloLogs"/> also receives what every silo logs (Warning and above, as configured).
    /// </summary>
    public static async Task<MagicLinkService> StartAsync(
        int silos = 1, Dictionary<string, string>? settings = null, string? database = null, TimeProvider? time = null, bool apiInSilo = false,
        ILoggerProvider? siloLogs = null)
    {
        var service = new MagicLinkService(database ?? await TestDatabase.CreateAsync(), settings ?? [], time, apiInSilo, siloLogs);
        for (var i = 0; i < silos; i++)
        {
            await service.StartSiloAsync();
        }

        await service.StartApiAsync();
        return service;
    }

    public async Task<int> StartSiloAsync()
    {
        var silo = SiloApp.Build(Args(new()
        {
            ["MAGICLINK_SILO_PORT"] = FreePort.Next().ToString(),
            ["MAGICLINK_GATEWAY_PORT"] = FreePort.Next().ToString(),
            ["MAGICLINK_DASHBOARD_PORT"] = FreePort.Next().ToString(),
            ["MAGICLINK_ADVERTISED_IP"] = "127.0.0.1",
        }), silo =>
        {
            if (_time is not null)
            {
                silo.Services.AddKeyedSingleton(Clock.Key, _time);
            }

            if (_siloLogs is not null)
            {
                silo.Services.AddSingleton(_siloLogs);
            }
        });
        await silo.StartAsync();
        _silos.Add(silo);
        return _silos.Count - 1;
    }

    public Task StartApiAsync() => StartApiAsync(HttpPort);

    /// <summary>Another API process (its own Orleans client) on a new port; returns a client for it.</summary>
    public async Task<HttpClient> StartExtraApiAsync()
    {
        var port = FreePort.Next();
        await StartApiAsync(port);
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Http.Timeout };
    }

    private async Task StartApiAsync(int port)
    {
        var args = Args(new()
        {
            ["MAGICLINK_HTTP_PORT"] = port.ToString(),
            ["MAGICLINK_ADMIN_TOKEN"] = AdminToken,
        });
        void Configure(IServiceCollection services)
        {
            if (_time is not null)
            {
                services.AddKeyedSingleton(Clock.Key, _time);
            }
        }

        var api = _apiInSilo ? SiloApp.BuildApi(_silos[0]!, args, Configure) : ApiApp.Build(args, Configure);
        await api.StartAsync();
        _apis.Add(api);
    }

    /// <summary>Stops a silo without the graceful hand-over, as a crash would.</summary>
    public async Task KillSiloAsync(int index)
    {
        var silo = _silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");
        _silos[index] = null;
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await silo.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
            // Cancelled on purpose: a killed silo does not finish its shutdown.
        }

        await silo.DisposeAsync();
    }

    /// <summary>Stops every process of the service and starts them again on the same database.</summary>
    public async Task RestartAsync()
    {
        var count = _silos.Count(s => s is not null);
        await StopAllAsync();
        _silos.Clear();
        for (var i = 0; i < count; i++)
        {
            await StartSiloAsync();
        }

        await StartApiAsync();
    }

    public HttpClient Admin()
    {
        var client = new HttpClient(new ContractCheck()) { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    public static HttpClient As(HttpClient template, string apiKey, string apiSecret)
    {
        var client = new HttpClient(new ContractCheck()) { BaseAddress = template.BaseAddress, Timeout = template.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{apiKey}:{apiSecret}")));
        return client;
    }

    /// <summary>Opens an account through the admin API and returns a client signed in as it.</summary>
    public async Task<TestAccount> OpenAccountAsync(int credits = 100, string? email = null)
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/admin/v1/accounts", new
        {
            name = "Test business",
            email = email ?? $"owner-{Guid.NewGuid():N}@example.com",
            password = "correct horse battery",
            credits,
        });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = (string)body["apiKey"]!;
        var secret = (string)body["apiSecret"]!;
        return new TestAccount((string)body["id"]!, key, secret, As(Http, key, secret));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        Http.Dispose();
        using var connection = new Npgsql.NpgsqlConnection(Database);
        Npgsql.NpgsqlConnection.ClearPool(connection);
    }

    private async Task StopAllAsync()
    {
        foreach (var api in _apis)
        {
            await api.StopAsync();
            await api.DisposeAsync();
        }

        _apis.Clear();

        foreach (var silo in _silos.Where(s => s is not null).Reverse())
        {
            await silo!.StopAsync();
            await silo.DisposeAsync();
        }

        for (var i = 0; i < _silos.Count; i++)
        {
            _silos[i] = null;
        }
    }

    private string[] Args(Dictionary<string, string> settings)
    {
        settings["MAGICLINK_DB"] = Database;
        settings["MAGICLINK_CLUSTER_ID"] = ClusterId;
        settings["MAGICLINK_SERVICE_ID"] = ClusterId;
        // Silos write URLs too (in webhooks), so every process knows the address the API serves.
        settings["MAGICLINK_PUBLIC_URL"] = $"http://127.0.0.1:{HttpPort}";
        settings["Logging:LogLevel:Default"] = "Warning";
        foreach (var (key, value) in _extra)
        {
            settings[key] = value;
        }

        return settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
    }
}

public sealed record TestAccount(string Id, string ApiKey, string ApiSecret, HttpClient Client);
