using Microsoft.Extensions.Options;

namespace MagicLink.Api.Extensions;

/// <summary>
/// A process's knobs, bound from its MAGICLINK_* variables through the options pattern. A knob
/// the binder cannot convert fails with its variable's name; every other wrong knob is named by
/// <see cref="Problems"/>, all at once, before the process serves anything.
/// </summary>
public interface IKnobs
{
    /// <summary>Fills what defaults from other knobs or from the data dir.</summary>
    void Complete();

    /// <summary>What is wrong, one sentence per knob, each naming its variable.</summary>
    IEnumerable<string> Problems();
}

public static class Knobs
{
    /// <summary>
    /// Registers <typeparamref name="T"/> as options validated at start, and returns the same
    /// values now, for the wiring of the host that needs them before it is built.
    /// </summary>
    public static T AddKnobs<T>(this IServiceCollection services, IConfiguration config)
        where T : class, IKnobs, new()
    {
        services.AddOptions<T>().Bind(config).PostConfigure(k => k.Complete()).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, KnobCheck<T>>();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<T>>().Value);
        return Read<T>(config);
    }

    /// <summary>The knobs as they are now; throws <see cref="OptionsValidationException"/> naming every wrong one.</summary>
    public static T Read<T>(IConfiguration config)
        where T : class, IKnobs, new()
    {
        var knobs = new T();
        config.Bind(knobs);
        knobs.Complete();
        var result = new KnobCheck<T>().Validate(Options.DefaultName, knobs);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures) : knobs;
    }

    /// <summary>An on/off knob: true, false, 1, 0 or unset (<paramref name="fallback"/>).</summary>
    public static bool? Flag(string? value, bool fallback = false) => value?.ToLowerInvariant() switch
    {
        null or "" => fallback,
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    private sealed class KnobCheck<T> : IValidateOptions<T>
        where T : class, IKnobs
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
