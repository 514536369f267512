using System.Text.RegularExpressions;
using MagicLink.Api.Pages;
using MagicLink.Grains;

namespace MagicLink.Tests.Hosted;

/// <summary>Every page is complete in every shipped language: no key falls back to English.</summary>
public sealed partial class TranslationTests
{
    public static TheoryData<string> Translations => new(Languages.Supported.Where(l => l != Languages.Default));

    [Theory]
    [MemberData(nameof(Translations))]
    public void Every_language_file_has_exactly_the_keys_of_english(string language)
    {
        var english = Texts.Keys[Languages.Default].ToHashSet();
        var translated = Texts.Keys[language].ToHashSet();

        Assert.Empty(english.Except(translated).Order());
        Assert.Empty(translated.Except(english).Order());
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Every_translation_is_filled_in_and_keeps_the_placeholders_of_english(string language)
    {
        var english = Texts.For(Languages.Default);
        var translated = Texts.For(language);
        foreach (var key in Texts.Keys[language])
        {
            Assert.False(string.IsNullOrWhiteSpace(translated[key]), $"{language}: {key} is empty.");
            Assert.True(Placeholders(english[key]).SetEquals(Placeholders(translated[key])), $"{language}: {key} changes the placeholders.");
        }
    }

    private static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
