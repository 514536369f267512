using MagicLink.Grains;
using MagicLink.Grains.Sharing;
using MimeKit;
using Npgsql;

namespace MagicLink.Api.Sharing;

/// <summary>One email or SMS the development senders kept instead of sending.</summary>
public sealed record DevMessage(
    string ShareId, ShareChannel Channel, string To, string? Subject, string Text, string? Html, DateTimeOffset CreatedAt);

/// <summary>
/// Without MAGICLINK_SMTP_URL, and with MAGICLINK_SMS_PROVIDER=log, sends land in the
/// <c>dev_outbox</c> table, so ./run.sh works with nothing else installed and the dashboard can
/// show what would have gone out.
/// </summary>
public sealed class DevOutbox(NpgsqlDataSource database, [FromKeyedServices(Clock.Key)] TimeProvider time, ILogger<DevOutbox> log)
    : IMailSender, ISmsSender
{
    public const int MaxListed = 100;

    public async Task<Delivery> SendAsync(MimeMessage message, ShareToSend share, CancellationToken cancellation)
    {
        await KeepAsync(share, message.Subject, message.TextBody ?? "", message.HtmlBody, cancellation);
        log.LogInformation("Email {Share} kept in the dev mailbox (MAGICLINK_SMTP_URL is not set): {Subject}", share.Id, message.Subject);
        return Delivery.Sent;
    }

    public async Task<Delivery> SendAsync(ShareToSend share, string body, CancellationToken cancellation)
    {
        await KeepAsync(share, null, body, null, cancellation);
        log.LogInformation("SMS {Share} to {To} (MAGICLINK_SMS_PROVIDER=log): {Body}", share.Id, Recipients.Mask(share.Channel, share.To), body);
        return Delivery.Sent;
    }

    /// <summary>The account's kept messages, newest first: what the dashboard's dev mailbox shows.</summary>
    public static async Task<List<DevMessage>> ListAsync(NpgsqlDataSource database, string accountId, int limit = MaxListed)
    {
        await using var command = database.CreateCommand(
            """
            SELECT share_id, channel, recipient, subject, body_text, body_html, created_at
            FROM dev_outbox WHERE account_id = $1 ORDER BY seq DESC LIMIT $2
            """);
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = Math.Clamp(limit, 1, MaxListed) });
        var messages = new List<DevMessage>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            messages.Add(new DevMessage(
                reader.GetString(0), Wire.Parse<ShareChannel>(reader.GetString(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero)));
        }

        return messages;
    }

    private async Task KeepAsync(ShareToSend share, string? subject, string text, string? html, CancellationToken cancellation)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO dev_outbox (account_id, share_id, channel, recipient, subject, body_text, body_html, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        command.Parameters.Add(new() { Value = share.AccountId });
        command.Parameters.Add(new() { Value = share.Id });
        command.Parameters.Add(new() { Value = Wire.Name(share.Channel) });
        command.Parameters.Add(new() { Value = share.To });
        command.Parameters.Add(new() { Value = (object?)subject ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = text });
        command.Parameters.Add(new() { Value = (object?)html ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
