using MagicLink.Api.Extensions;

await ApiApp.Build(args).RunAsync();
