using System.Net;
using CsCheck;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;
using MagicLink.Tests.Links;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Sessions;

/// <summary>
/// Random sequences of click, open, upload, submit, review and expiry, repeated and interleaved:
/// the books always balance, nothing is charged twice, and no credit is both charged and released.
/// </summary>
public sealed class BillingPropertyTests(FakeTimeFixture fixture) : IClassFixture<FakeTimeFixture>
{
    private enum Kind
    {
        Click,
        Open,
        Upload,
        Submit,
        Approve,
        Deny,
        Expire,
    }

    private sealed record Step(Kind Kind, int Session);

    // One real image for every upload: the books are what is checked here, not the images.
    private static readonly byte[] Selfie = TestImages.Jpeg();

    private static readonly Gen<Step> Steps = Gen.Frequency(
        (3, Gen.Const(new Step(Kind.Click, 0))),
        (2, Gen.Int[0, 5].Select(s => new Step(Kind.Open, s))),
        (3, Gen.Int[0, 5].Select(s => new Step(Kind.Upload, s))),
        (3, Gen.Int[0, 5].Select(s => new Step(Kind.Submit, s))),
        (2, Gen.Int[0, 5].Select(s => new Step(Kind.Approve, s))),
        (1, Gen.Int[0, 5].Select(s => new Step(Kind.Deny, s))),
        (1, Gen.Const(new Step(Kind.Expire, 0))));

    [Fact]
    public async Task Random_lifecycles_keep_the_books_balanced_and_bill_each_completed_verification_once()
    {
        var service = fixture.Service;
        await Steps.Array[10, 50].SampleAsync(async steps =>
        {
            var account = await service.OpenAccountAsync(credits: 4);
            var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, flow: "selfie");
            using var client = LinkSteps.NoRedirects(service.Http.BaseAddress!);

            async Task<ISessionGrain?> Pick(int index)
            {
                var page = await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions?limit=100"));
                var ids = page["items"]!.AsArray().Select(s => (string)s!["id"]!).ToList();
                return ids.Count == 0 ? null : service.Grains.GetGrain<ISessionGrain>(ids[index % ids.Count]);
            }

            foreach (var wave in steps.Chunk(5))
            {
                await Task.WhenAll(wave.Select(async step =>
                {
                    switch (step.Kind)
                    {
                        case Kind.Click:
                            using (var response = await LinkSteps.ClickAsync(client, link))
                            {
                                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.SeeOther, HttpStatusCode.PaymentRequired });
                            }

                            break;
                        case Kind.Expire:
                            fixture.Time.Advance(TimeSpan.FromMinutes(25));
                            break;
                        default:
                            if (await Pick(step.Session) is not { } session)
                            {
                                break;
                            }

                            _ = step.Kind switch
                            {
                                Kind.Open => (object?)await session.Start(),
                                Kind.Upload => await session.Upload(UploadKind.Selfie, Selfie),
                                Kind.Submit => await session.Submit(),
                                Kind.Approve => await session.Review(Decision.Approved, null),
                                _ => await session.Review(Decision.Denied, "random"),
                            };
                            break;
                    }
                }));
            }

            var all = await Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions?limit=100"));
            var views = all["items"]!.AsArray().Select(s => s!).ToList();
            var completed = views.Count(s => (string)s["status"]! is "approved" or "denied");
            var expired = views.Count(s => (string)s["status"]! == "expired");
            var open = views.Count - completed - expired;
            foreach (var s in views)
            {
                var credit = (string)s["credit"]!;
                var expected = (string)s["status"]! switch
                {
                    "approved" or "denied" => "charged",
                    "expired" => "released",
                    _ => "reserved",
                };
                Assert.Equal(expected, credit);
                Assert.Equal(credit == "charged", (bool)s["billed"]!);
            }

            var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
            var credits = own["credits"]!;
            Assert.Equal(completed, (int)credits["spent"]!);
            Assert.Equal(4 - completed, (int)credits["balance"]!);
            Assert.Equal(open, (int)credits["reserved"]!);
            Assert.Equal((int)credits["balance"]!, (int)credits["available"]! + (int)credits["reserved"]!);
            Assert.True((int)credits["available"]! >= 0);
        }, iter: 15, threads: 1);
    }
}
