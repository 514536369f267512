using MagicLink.Silo.Extensions;
using MagicLink.Silo.Schema;

// The schema comes first: the membership table must exist before the silo can join. `migrate`
// applies it and exits (the compose file's schema step).
var settings = SiloSettings.From(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Where(a => a != "migrate").ToArray()).Build());
await SchemaMigrator.ApplyAsync(settings.Database);
if (args is ["migrate"])
{
    return;
}

var silo = SiloApp.Build(args);
if (!settings.ServeApi)
{
    await silo.RunAsync();
    return;
}

// Both stop on the same SIGTERM; the silo is awaited after the API has let its requests finish.
await silo.StartAsync();
await SiloApp.BuildApi(silo, args).RunAsync();
await silo.StopAsync();
