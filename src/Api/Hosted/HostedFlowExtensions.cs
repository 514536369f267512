using MagicLink.Api.Extensions;

namespace MagicLink.Api.Hosted;

public static class HostedFlowExtensions
{
    public static IServiceCollection AddHostedFlow(this IServiceCollection services, ApiSettings settings) =>
        services
            .AddSingleton(provider => UploadCipher.From(provider.GetRequiredService<IConfiguration>(), settings.DataDir))
            .AddSingleton<UploadStore>();
}
