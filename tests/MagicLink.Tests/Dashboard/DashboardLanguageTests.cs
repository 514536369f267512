using MagicLink.Api.Pages;
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

    [Fact]
    public async Task The_webhook_and_share_forms_explain_a_refused_field_in_the_browsers_language()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(fixture.Service);
        using (client)
        {
            client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de");
            var webhooks = await client.PageAsync("/dashboard/webhooks");
            using var badUrl = await client.SubmitAsync(webhooks, "/dashboard/webhooks", new() { ["url"] = "ftp://hooks.example.com/in" });
            var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
            var path = $"/dashboard/links/{(string)link["id"]!}";
            using var badTo = await client.SubmitAsync(await client.PageAsync(path), $"{path}/share#share-send",
                new() { ["channel"] = "sms", ["to"] = "not a number" }, postTo: $"{path}/share");

            var urlError = Markup.Parse(await badUrl.Content.ReadAsStringAsync()).QuerySelector(".field-error")!.TextContent;
            var toError = Markup.Parse(await badTo.Content.ReadAsStringAsync()).QuerySelector(".field-error")!.TextContent;
            Assert.Equal(Texts.For("de")["dash.rule.webhook.url"].Value, urlError);
            Assert.Equal(Texts.For("de")["dash.rule.share.to.sms"].Value, toError);
            Assert.DoesNotContain("must", urlError + toError, StringComparison.Ordinal);
        }
    }
}
