using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MagicLink.Tests.Sharing;

/// <summary>A real SMTP server (the SmtpServer package) on a loopback port, keeping every message it accepts.</summary>
public sealed class SmtpCapture : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Received> _received = new();

    private SmtpCapture(int port, string? user, string? password)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("capture.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                .AuthenticationRequired(user is not null)
                .AllowUnsecureAuthentication(true))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        if (user is not null)
        {
            services.Add(new DelegatingUserAuthenticator((u, p) => u == user && p == password));
        }

        _server = new SmtpServer.SmtpServer(options, services);
        _ = _server.StartAsync(_stop.Token);
    }

    public sealed record Received(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, bool Authenticated, MimeMessage Message);

    public int Port { get; }

    public IReadOnlyCollection<Received> Messages => _received;

    public static SmtpCapture Start(int port, string? user = null, string? password = null) => new(port, user, password);

    public async Task<Received> WaitForAsync(Func<Received, bool> which, TimeSpan? patience = null)
    {
        var deadline = DateTimeOffset.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_received.FirstOrDefault(which) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No such message arrived; {_received.Count} did.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Shutdown();
        await Task.WhenAny(_server.ShutdownTask, Task.Delay(TimeSpan.FromSeconds(5)));
        _stop.Dispose();
    }

    private sealed class Store(SmtpCapture capture) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            capture._received.Enqueue(new Received(
                transaction.From.AsAddress(), transaction.To.Select(t => t.AsAddress()).ToList(), context.Authentication.IsAuthenticated, message));
            return SmtpResponse.Ok;
        }
    }
}
