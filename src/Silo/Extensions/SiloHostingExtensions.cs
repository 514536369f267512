using MagicLink.Api.Sharing;
using MagicLink.Api.Webhooks;
using MagicLink.Grains;
using MagicLink.Grains.Access;
using MagicLink.Grains.Credits;
using MagicLink.Grains.Events;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using MagicLink.Grains.Sharing;
using MagicLink.Grains.Stats;
using MagicLink.Grains.Webhooks;
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
    private const int DirectoryCacheSize = 10_000;

    /// <summary>Everything a silo of this service needs: PostgreSQL for membership, state and reminders.</summary>
    public static ISiloBuilder AddMagicLinkSilo(this ISiloBuilder silo, SiloSettings settings)
    {
        var database = Postgres.Tuned(settings.Database);
        silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            })
            .Configure<SiloMessagingOptions>(o => o.ResponseTimeout = Deadlines.GrainCall)
            // The cache of where grains live is sized for the hot ones: by default it holds a million
            // entries, allocated up front, and keeps one for every activation of this silo too (~250
            // bytes each). A miss costs a directory lookup, local when this silo owns the partition.
            .Configure<GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize)
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
        silo.Services.AllowDatabaseExceptions();
        silo.Services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(database));
        silo.Services.AddSingleton<Publisher>();
        silo.Services.AddSingleton<UploadStore>();
        silo.Services.AddSingleton(AtRestCipher.From(settings.UploadKey, settings.DataDir));
        silo.Services.AddSingleton<CreditLedger>();
        silo.Services.AddSingleton<LinkTable>();
        silo.Services.AddSingleton<FunnelTable>();
        silo.Services.AddSingleton(s => new LinkWriter(s.GetRequiredService<NpgsqlDataSource>(), settings.LinkWriters));
        silo.Services.AddSingleton<SessionTable>();
        silo.Services.AddSingleton<ExpiryBuckets>();
        silo.Services.AddSingleton(new SessionSettings(settings.SessionLifetime));
        silo.Services.AddSingleton<LinkServices>();
        silo.Services.AddSingleton<ShareTable>().AddShareDelivery();
        silo.Services.AddWebhookDelivery().AddWebhookData();
        return silo;
    }
}
