using System.Collections.Frozen;
using System.Text.Json;
using MagicLink.Grains;

namespace MagicLink.Api.Pages;

/// <summary>
/// The words of the public pages, one embedded JSON file per language (Pages/Texts/xx.json).
/// A key missing from a translation falls back to English, so a page never shows a raw key.
/// </summary>
public static class Texts
{
    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> All = Languages.Supported
        .ToFrozenDictionary(language => language, Load);

    public static IReadOnlyDictionary<string, string> For(string? language) =>
        new Localized(All[Languages.IsSupported(language) ? language! : Languages.Default], All[Languages.Default]);

    /// <summary>Every key of every language, for the test that proves translations are complete.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyCollection<string>> Keys =>
        All.ToDictionary(l => l.Key, l => (IReadOnlyCollection<string>)l.Value.Keys);

    private static FrozenDictionary<string, string> Load(string language)
    {
        using var stream = typeof(Texts).Assembly.GetManifestResourceStream($"MagicLink.Api.Pages.Texts.{language}.json")
            ?? throw new InvalidOperationException($"The texts for '{language}' are not embedded.");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!.ToFrozenDictionary();
    }

    private sealed class Localized(FrozenDictionary<string, string> texts, FrozenDictionary<string, string> fallback)
        : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => texts.TryGetValue(key, out var text) ? text : fallback[key];

        public IEnumerable<string> Keys => fallback.Keys;

        public IEnumerable<string> Values => Keys.Select(k => this[k]);

        public int Count => fallback.Count;

        public bool ContainsKey(string key) => fallback.ContainsKey(key);

        public bool TryGetValue(string key, out string value)
        {
            var found = ContainsKey(key);
            value = found ? this[key] : "";
            return found;
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            Keys.Select(k => KeyValuePair.Create(k, this[k])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
