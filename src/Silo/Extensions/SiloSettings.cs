using System.Net;
using System.Net.Sockets;

namespace MagicLink.Silo.Extensions;

/// <summary>The silo's knobs, read from MAGICLINK_* environment variables (see README).</summary>
public sealed record SiloSettings(
    string Database,
    int SiloPort,
    int GatewayPort,
    int DashboardPort,
    IPAddress AdvertisedAddress,
    string ClusterId,
    string ServiceId,
    TimeSpan SessionLifetime,
    int LinkWriters,
    DashboardExposure? ExposedDashboard,
    bool ServeApi)
{
    public const string DefaultClusterId = "magiclink";
    public const string DefaultServiceId = "magiclink";

    public static SiloSettings From(IConfiguration config) => new(
        Database: config["MAGICLINK_DB"] is { Length: > 0 } db
            ? db
            : throw new InvalidOperationException("MAGICLINK_DB is not set: give the silo a PostgreSQL connection string (run.sh does this for you)."),
        SiloPort: Port(config, "MAGICLINK_SILO_PORT", 11111),
        GatewayPort: Port(config, "MAGICLINK_GATEWAY_PORT", 30000),
        DashboardPort: Port(config, "MAGICLINK_DASHBOARD_PORT", 8081),
        AdvertisedAddress: config["MAGICLINK_ADVERTISED_IP"] switch
        {
            null or "" => IPAddress.Loopback,
            "auto" => GuessAddress(),
            var ip => IPAddress.TryParse(ip, out var address) ? address : throw new InvalidOperationException($"MAGICLINK_ADVERTISED_IP={ip} is neither an IP address nor 'auto'."),
        },
        ClusterId: config["MAGICLINK_CLUSTER_ID"] is { Length: > 0 } cluster ? cluster : DefaultClusterId,
        ServiceId: config["MAGICLINK_SERVICE_ID"] is { Length: > 0 } service ? service : DefaultServiceId,
        SessionLifetime: TimeSpan.FromSeconds(Seconds(config, "MAGICLINK_SESSION_TTL", 3600)),
        LinkWriters: Count(config, "MAGICLINK_LINK_WRITERS", 4, max: 64),
        ExposedDashboard: config["MAGICLINK_DASHBOARD_EXPOSE"]?.ToLowerInvariant() switch
        {
            null or "" or "false" or "0" => null,
            "true" or "1" => config["MAGICLINK_DASHBOARD_USER"] is { Length: > 0 } user && config["MAGICLINK_DASHBOARD_PASSWORD"] is { Length: > 0 } password
                ? new DashboardExposure(user, password)
                : throw new InvalidOperationException(
                    "MAGICLINK_DASHBOARD_EXPOSE is on: set MAGICLINK_DASHBOARD_USER and MAGICLINK_DASHBOARD_PASSWORD too, an exposed Orleans Dashboard asks for credentials."),
            var other => throw new InvalidOperationException($"MAGICLINK_DASHBOARD_EXPOSE={other} must be true or false."),
        },
        ServeApi: Flag(config, "MAGICLINK_SERVE_API"));

    private static bool Flag(IConfiguration config, string key) => config[key]?.ToLowerInvariant() switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" => true,
        var other => throw new InvalidOperationException($"{key}={other} must be true or false."),
    };

    private static int Count(IConfiguration config, string key, int fallback, int max) =>
        config[key] is { Length: > 0 } text
            ? int.TryParse(text, out var count) && count >= 1 && count <= max
                ? count
                : throw new InvalidOperationException($"{key}={text} must be a whole number from 1 to {max}.")
            : fallback;

    private static int Seconds(IConfiguration config, string key, int fallback) =>
        config[key] is { Length: > 0 } text
            ? int.TryParse(text, out var seconds) && seconds is >= 60 and <= 2_592_000
                ? seconds
                : throw new InvalidOperationException($"{key}={text} must be whole seconds from 60 to 2592000.")
            : fallback;

    private static int Port(IConfiguration config, string key, int fallback) =>
        config[key] is { Length: > 0 } text
            ? int.TryParse(text, out var port) && port is > 0 and < 65536
                ? port
                : throw new InvalidOperationException($"{key}={text} is not a TCP port.")
            : fallback;

    // Silos on one machine talk over loopback (the default, so nothing listens beyond this host
    // unless asked); silos on many hosts need an address the others can reach: "auto" takes the
    // first non-loopback IPv4 address, as containers with addresses unknown in advance need.
    private static IPAddress GuessAddress()
    {
        var addresses = Dns.GetHostAddresses(Dns.GetHostName());
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}

/// <summary>The Orleans Dashboard on every interface, behind HTTP Basic with these credentials.</summary>
public sealed record DashboardExposure(string User, string Password)
{
    // Settings end up in logs and exception messages; the password must not.
    public override string ToString() => $"DashboardExposure {{ User = {User} }}";
}
