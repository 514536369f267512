using MagicLink.Grains.Credits;

namespace MagicLink.Api.Dashboard;

/// <summary>What every signed-in page shows around its own content: the account, its credits, the review queue.</summary>
/// <param name="Seq">The account's event position the page was drawn at, where its live stream starts.</param>
/// <param name="DevOutbox">Mail or SMS lands in the dev outbox (no real sender configured), so the page listing it is offered.</param>
public sealed record DashboardFrame(AccountInfo Account, long Seq, int ReviewQueue, bool DevOutbox);
