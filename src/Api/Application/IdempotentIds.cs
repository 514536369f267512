using System.Security.Cryptography;
using System.Text;
using MagicLink.Grains;

namespace MagicLink.Api.Application;

/// <summary>
/// A new object's id. With an idempotency key (the Idempotency-Key header, or a form's key) it is
/// derived from the key, so a repeated request reaches the grain that holds the first result;
/// different accounts never share one.
/// </summary>
public sealed class IdempotentIds(AppKeys keys)
{
    public async Task<string> NewAsync(string prefix, string accountId, string? idempotencyKey)
    {
        if (idempotencyKey is null)
        {
            return Ids.New(prefix);
        }

        var mac = HMACSHA256.HashData(await keys.UrlKeyAsync(), Encoding.UTF8.GetBytes($"idempotency\n{prefix}\n{accountId}\n{idempotencyKey}"));
        return Ids.FromBytes(prefix, mac);
    }
}
