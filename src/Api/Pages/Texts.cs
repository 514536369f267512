using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using MagicLink.Grains;
using Microsoft.Extensions.Localization;

namespace MagicLink.Api.Pages;

/// <summary>
/// The words of every page, one embedded JSON file per language (Pages/Texts/xx.json), read through
/// <see cref="IStringLocalizer"/>. A key missing from a translation falls back to English, so a page
/// never shows a raw key.
/// </summary>
public static class Texts
{
    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> All = Languages.Supported
        .ToFrozenDictionary(language => language, Load);

    private static readonly FrozenDictionary<string, PageTexts> Localizers = Languages.Supported
        .ToFrozenDictionary(language => language, language => new PageTexts(language, All[language], All[Languages.Default]));

    /// <summary>The texts of a shipped language, English for anything else.</summary>
    public static PageTexts For(string? language) => Localizers[Languages.IsSupported(language) ? language! : Languages.Default];

    /// <summary>Every key of every language, for the test that proves translations are complete.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyCollection<string>> Keys =>
        All.ToDictionary(l => l.Key, l => (IReadOnlyCollection<string>)l.Value.Keys);

    private static FrozenDictionary<string, string> Load(string language)
    {
        using var stream = typeof(Texts).Assembly.GetManifestResourceStream($"MagicLink.Api.Pages.Texts.{language}.json")
            ?? throw new InvalidOperationException($"The texts for '{language}' are not embedded.");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!.ToFrozenDictionary();
    }
}

/// <summary>The texts of one language, and its way of writing numbers.</summary>
public sealed class PageTexts(string language, FrozenDictionary<string, string> texts, FrozenDictionary<string, string> fallback) : IStringLocalizer
{
    public string Language { get; } = language;

    public CultureInfo Culture { get; } = CultureInfo.GetCultureInfo(language);

    public LocalizedString this[string name] => texts.TryGetValue(name, out var text)
        ? new LocalizedString(name, text)
        : new LocalizedString(name, fallback.GetValueOrDefault(name, name), resourceNotFound: true);

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(Culture, format.Value, arguments), format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => fallback.Keys.Select(key => this[key]);

    public string Number(long value) => value.ToString("N0", Culture);
}
