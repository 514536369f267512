using MagicLink.Silo.Extensions;
using MagicLink.Silo.Schema;

// The schema comes first: the membership table must exist before the silo can join. `migrate`
// applies it and exits (the compose file's schema step).
await SchemaMigrator.ApplyAsync(SiloSettings.From(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Where(a => a != "migrate").ToArray()).Build()).Database);
if (args is ["migrate"])
{
    return;
}

await SiloApp.Build(args).RunAsync();
