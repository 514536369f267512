using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace MagicLink.Grains.Webhooks;

/// <summary>The outcome of one request: a status code, or the error that stopped it.</summary>
public sealed record SendResult(int? StatusCode, int DurationMs, string? Error)
{
    public bool Delivered => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Sends signed webhook requests for the whole silo: one connection pool, at most
/// MAGICLINK_WEBHOOK_CONCURRENCY requests at once, each within <see cref="WebhookSchedule.Timeout"/>.
/// It only connects to public addresses (unless allowed otherwise), judged on the address it
/// actually connects to, so a name that resolves elsewhere on a second look gains nothing.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private const int MaxResponseBytes = 64 * 1024;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _overall;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        var allowPrivate = options.Value.AllowPrivate;
        _overall = new SemaphoreSlim(options.Value.Concurrency);
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // A proxy would make the connected address the proxy's, and the check below meaningless.
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = WebhookSchedule.Timeout,
            ConnectCallback = (context, cancellation) => ConnectAsync(context.DnsEndPoint, allowPrivate, cancellation),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// POSTs <paramref name="body"/> signed with every secret in <paramref name="secrets"/> (Standard
    /// Webhooks puts one <c>v1,</c> signature per secret in the header, space-separated).
    /// </summary>
    public async Task<SendResult> SendAsync(string url, string webhookId, DateTimeOffset at, string body, IReadOnlyList<string> secrets)
    {
        await _overall.WaitAsync();
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(WebhookSchedule.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", webhookId);
            request.Headers.Add("webhook-timestamp", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", string.Join(' ', secrets.Select(s => new StandardWebhook(s).Sign(webhookId, at, body))));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await SkipBodyAsync(response, timeout.Token);
            var code = (int)response.StatusCode;
            return new SendResult(code, Elapsed(started), response.IsSuccessStatusCode ? null : $"HTTP {code} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException)
        {
            return new SendResult(null, Elapsed(started), $"No answer within {WebhookSchedule.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            // The message names the host and the socket error; the request, and so the signature, is not in it.
            return new SendResult(null, Elapsed(started), e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message);
        }
        finally
        {
            _overall.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _overall.Dispose();
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellation)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellation);
        var allowed = allowPrivate ? addresses : Array.FindAll(addresses, WebhookAddresses.IsPublic);
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"{endpoint.Host} has no public address; loopback, link-local and private ones are refused unless MAGICLINK_WEBHOOK_ALLOW_PRIVATE=true.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Whatever the receiver answers is read up to 64 KB and dropped: nobody may make a silo buffer more.
    private static async Task SkipBodyAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            var total = 0;
            int read;
            while (total < MaxResponseBytes && (read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, MaxResponseBytes - total)), cancellation)) > 0)
            {
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
