using System.Net.Http.Json;
using MagicLink.Grains;
using MagicLink.Grains.Credits;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Foundation;

public sealed class ClusterTests
{
    [Fact]
    public async Task Credits_written_by_the_account_grain_survive_a_full_cluster_restart()
    {
        await using var service = await MagicLinkService.StartAsync(silos: 2);
        var account = await service.OpenAccountAsync(credits: 10);
        var grains = service.ApiServices.GetRequiredService<IClusterClient>();
        var credits = grains.GetGrain<IAccountGrain>(account.Id);
        await credits.Reserve("ses_restart_a");
        await credits.Reserve("ses_restart_b");
        await credits.Reserve("ses_restart_c");
        await credits.Charge("ses_restart_a");
        await credits.Release("ses_restart_b");

        await service.RestartAsync();

        var after = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(9, (int)after["credits"]!["balance"]!);
        Assert.Equal(1, (int)after["credits"]!["reserved"]!);
        Assert.Equal(8, (int)after["credits"]!["available"]!);
        Assert.Equal(1, (int)after["credits"]!["spent"]!);

        // The reservation held across the restart is still the one that can be charged, once.
        grains = service.ApiServices.GetRequiredService<IClusterClient>();
        await grains.GetGrain<IAccountGrain>(account.Id).Charge("ses_restart_c");
        var charged = await grains.GetGrain<IAccountGrain>(account.Id).Charge("ses_restart_c");
        Assert.Equal(new CreditBalance(8, 0, 2), charged);
    }

    [Fact]
    public async Task Two_silos_join_through_the_membership_table_and_serve_grains_on_both()
    {
        await using var service = await MagicLinkService.StartAsync(silos: 2);

        var active = await TestDatabase.ScalarAsync<long>(service.Database,
            $"SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = '{service.ClusterId}' AND status = 3");
        Assert.Equal(2, active);

        var accounts = new List<TestAccount>();
        for (var i = 0; i < 30; i++)
        {
            accounts.Add(await service.OpenAccountAsync(credits: i + 1));
        }

        // Every account answers through the API's client, wherever its grain lives.
        for (var i = 0; i < accounts.Count; i++)
        {
            var own = await Ok(await accounts[i].Client.GetAsync("/api/v1/account"));
            Assert.Equal(i + 1, (int)own["credits"]!["balance"]!);
        }

        var management = service.ApiServices.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
        var statistics = await management.GetDetailedGrainStatistics();
        var silosHostingAccounts = statistics
            .Where(s => s.GrainId.ToString().StartsWith("account/", StringComparison.Ordinal))
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.Equal(2, silosHostingAccounts);
    }
}
