using MagicLink.Grains.Credits;

namespace MagicLink.Api.Dashboard;

/// <summary>What every signed-in page shows around its own content: the account, its credits, the review queue.</summary>
/// <param name="Seq">The account's event position the page was drawn at, where its live stream starts.</param>
public sealed record DashboardFrame(AccountInfo Account, long Seq, int ReviewQueue);
