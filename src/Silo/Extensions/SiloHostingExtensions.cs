using MagicLink.Grains;
using MagicLink.Grains.Credits;
using MagicLink.Grains.Events;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace MagicLink.Silo.Extensions;

public static class SiloHostingExtensions
{
    private const string Invariant = "Npgsql";

    /// <summary>Everything a silo of this service needs: PostgreSQL for membership, state and reminders.</summary>
    public static ISiloBuilder AddMagicLinkSilo(this ISiloBuilder silo, SiloSettings settings)
    {
        var database = Tuned(settings.Database);
        silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            })
            // Listening on the advertised address only: loopback unless MAGICLINK_ADVERTISED_IP names another.
            .ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false)
            .UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = database;
            })
            .AddAdoNetGrainStorage(Storage.Name, (OptionsBuilder<AdoNetGrainStorageOptions> options) => options.Configure<Serializer>((o, serializer) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = database;
                // Orleans' own binary format: compact, versioned by the [Id] of each member, and far
                // cheaper per write than the JSON default on the click path.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }))
            .UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = database;
            });
        silo.Services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(database));
        silo.Services.AddSingleton<Publisher>();
        silo.Services.AddSingleton<UploadHistory>();
        silo.Services.AddSingleton<CreditLedger>();
        silo.Services.AddSingleton<LinkTable>();
        silo.Services.AddSingleton(s => new LinkWriter(s.GetRequiredService<NpgsqlDataSource>(), settings.LinkWriters));
        silo.Services.AddSingleton<SessionTable>();
        silo.Services.AddSingleton<ExpiryBuckets>();
        silo.Services.AddSingleton(new SessionSettings(settings.SessionLifetime));
        return silo;
    }

    /// <summary>
    /// Connection settings that measured better on the click path, unless the connection string
    /// sets them: no pool reset (a DISCARD ALL per use, and it would drop prepared statements) and
    /// automatic preparation of the statements every click repeats.
    /// </summary>
    private static string Tuned(string connectionString)
    {
        // Npgsql's own builder knows every keyword, so it cannot tell a default from one that was set.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Given(params string[] keys) => keys.Any(given.ContainsKey);
        var tuned = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given("No Reset On Close", "NoResetOnClose"))
        {
            tuned.NoResetOnClose = true;
        }

        if (!Given("Max Auto Prepare", "MaxAutoPrepare"))
        {
            tuned.MaxAutoPrepare = 64;
            tuned.AutoPrepareMinUsages = 2;
        }

        return tuned.ConnectionString;
    }
}
