using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Sharing;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/outbox</c>: the mails and SMS the development senders kept for this account instead of sending.</summary>
public static class OutboxPages
{
    public static async Task<IResult> Show([AsParameters] DashboardPage page, NpgsqlDataSource database)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        return new RazorComponentResult<OutboxPage>(new
        {
            Frame = frame,
            page.T,
            Messages = await DevOutbox.ListAsync(database, page.AccountId),
        });
    }
}
