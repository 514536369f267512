using System.Net;
using System.Net.Http.Json;
using CsCheck;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Links;

/// <summary>
/// Random interleavings of clicks, deactivations, credit top-ups and expiries, run concurrently in
/// waves against the real service: whatever the order, no link exceeds its limit, no account
/// reserves more than it has, and every counted use is exactly one session.
/// </summary>
public sealed class RedeemPropertyTests(FakeTimeFixture fixture) : IClassFixture<FakeTimeFixture>
{
    private enum Kind
    {
        Click,
        Deactivate,
        TopUp,
        Expire,
    }

    private sealed record Step(Kind Kind, int Link, int Amount);

    private static readonly Gen<Step> Steps = Gen.Frequency(
        (12, Gen.Int[0, 3].Select(link => new Step(Kind.Click, link, 0))),
        (1, Gen.Int[0, 3].Select(link => new Step(Kind.Deactivate, link, 0))),
        (2, Gen.Int[1, 3].Select(amount => new Step(Kind.TopUp, 0, amount))),
        (1, Gen.Const(new Step(Kind.Expire, 0, 0))));

    [Fact]
    public async Task Random_interleavings_never_exceed_a_limit_never_overdraw_and_count_one_session_per_use()
    {
        var service = fixture.Service;
        var gen = Gen.Select(Gen.Int[0, 6], Steps.Array[10, 60]);
        await gen.SampleAsync(async (credits, steps) =>
        {
            var account = await service.OpenAccountAsync(credits: credits);
            var now = fixture.Time.GetUtcNow();
            var links = new[]
            {
                await LinkSteps.CreateAsync(account, new { type = "single" }),
                await LinkSteps.CreateAsync(account, new { type = "multi", limit = 3 }),
                await LinkSteps.CreateAsync(account, new { type = "unlimited" }, expiresAt: now.AddHours(1)),
                await LinkSteps.CreateAsync(account, new { type = "multi", limit = 5 }, expiresAt: now.AddHours(2)),
            };
            var limits = new int?[] { 1, 3, null, 5 };
            using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);
            using var admin = service.Admin();
            var accepted = 0;
            var toppedUp = 0;

            // Waves of up to eight steps run at once; waves run one after another.
            foreach (var wave in steps.Chunk(8))
            {
                await Task.WhenAll(wave.Select(async step =>
                {
                    switch (step.Kind)
                    {
                        case Kind.Click:
                            using (var response = await LinkSteps.ClickAsync(client, links[step.Link]))
                            {
                                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.SeeOther, HttpStatusCode.Gone, HttpStatusCode.PaymentRequired });
                                if (response.StatusCode == HttpStatusCode.SeeOther)
                                {
                                    Interlocked.Increment(ref accepted);
                                }
                            }

                            break;
                        case Kind.Deactivate:
                            await Ok(await account.Client.PostAsync($"/api/v1/links/{(string)links[step.Link]["id"]!}/deactivate", null));
                            break;
                        case Kind.TopUp:
                            await Ok(await admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { amount = step.Amount }));
                            Interlocked.Add(ref toppedUp, step.Amount);
                            break;
                        case Kind.Expire:
                            fixture.Time.Advance(TimeSpan.FromMinutes(40));
                            break;
                    }
                }));
            }

            var used = 0;
            for (var i = 0; i < links.Length; i++)
            {
                var info = await LinkSteps.GetAsync(account, links[i]);
                var linkUsed = (int)info["usage"]!["used"]!;
                Assert.True(limits[i] is null || linkUsed <= limits[i], $"link {i} used {linkUsed} of {limits[i]}");
                Assert.Equal(linkUsed, await LinkSteps.SessionRowsAsync(service, links[i]));
                used += linkUsed;
            }

            var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
            var balance = (int)own["credits"]!["balance"]!;
            var reserved = (int)own["credits"]!["reserved"]!;
            Assert.Equal(accepted, used);
            Assert.Equal(credits + toppedUp, balance);
            Assert.Equal(used, reserved);
            Assert.True(reserved <= balance, $"reserved {reserved} of a balance of {balance}");
            Assert.Equal(balance - reserved, (int)own["credits"]!["available"]!);
        }, iter: 20, threads: 1);
    }
}
