using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

/// <summary>The dashboard speaks the language the browser asks for, among the five the hosted flow ships.</summary>
public sealed class DashboardLanguageTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Theory]
    [InlineData("de-DE,de;q=0.9,en;q=0.8", "de", "Passwort", "Nuorodos")]
    [InlineData("lt", "lt", "Slaptažodis", "Passwort")]
    [InlineData("fr-CH, fr;q=0.9", "fr", "Mot de passe", "Password")]
    [InlineData("es-419", "es", "Contraseña", "Password")]
    [InlineData("ja-JP", "en", "Password", "Passwort")]
    public async Task The_sign_in_form_is_in_the_browsers_language(string acceptLanguage, string lang, string passwordLabel, string notThere)
    {
        using var client = DashboardClient.Anonymous(fixture.Service);
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);

        var page = Markup.Parse(await client.PageAsync("/dashboard"));

        Assert.Equal(lang, page.DocumentElement.GetAttribute("lang"));
        Assert.Equal(passwordLabel, page.QuerySelector("label[for=password]")!.TextContent);
        Assert.DoesNotContain(notThere, page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_in_pages_follow_the_browsers_language_too()
    {
        var (_, _, client) = await DashboardClient.SignedInAsync(fixture.Service);
        using (client)
        {
            client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("lt");

            var links = Markup.Parse(await client.PageAsync("/dashboard/links"));
            var sessions = Markup.Parse(await client.PageAsync("/dashboard/sessions"));

            Assert.Equal("Nuorodos", links.QuerySelector("h1")!.TextContent);
            Assert.Equal("Turimi kreditai", links.QuerySelector(".stat.primary span")!.TextContent);
            Assert.Equal("Sesijų dar nėra", sessions.QuerySelector(".empty h3")!.TextContent);
        }
    }
}
