using MagicLink.Grains.Sharing;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MagicLink.Api.Sharing;

public static class SharingHosting
{
    /// <summary>The sharing knobs, refused at start when one is wrong; the API reads them to know whether the dev outbox is in use.</summary>
    public static IServiceCollection AddSharingOptions(this IServiceCollection services)
    {
        services.AddOptions<SharingOptions>().Configure<IConfiguration>((o, config) => config.Bind(o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SharingOptions>, SharingOptions.Validator>());
        return services;
    }

    /// <summary>
    /// What a silo needs to deliver the sends its share outbox grains take from the queue: the
    /// options (refused at start when a knob is wrong), the senders they choose, the email's renderer.
    /// </summary>
    public static IServiceCollection AddShareDelivery(this IServiceCollection services)
    {
        services.AddSharingOptions();
        services.AddSingleton(s => s.GetRequiredService<IOptions<SharingOptions>>().Value.Rules);
        services.AddSingleton(s => new HtmlRenderer(s, s.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ShareMail>();
        services.AddSingleton<DevOutbox>();
        services.AddSingleton<SmtpMailSender>();
        services.AddSingleton<TwilioSmsSender>();
        services.AddHttpClient(TwilioSmsSender.Client, c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<IMailSender>(s => s.GetRequiredService<IOptions<SharingOptions>>().Value.Smtp is null
            ? s.GetRequiredService<DevOutbox>()
            : s.GetRequiredService<SmtpMailSender>());
        services.AddSingleton<ISmsSender>(s => s.GetRequiredService<IOptions<SharingOptions>>().Value.UsesTwilio
            ? s.GetRequiredService<TwilioSmsSender>()
            : s.GetRequiredService<DevOutbox>());
        services.AddSingleton<IShareCourier, ShareCourier>();
        return services;
    }
}
