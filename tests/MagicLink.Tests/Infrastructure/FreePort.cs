using System.Net;
using System.Net.Sockets;

namespace MagicLink.Tests.Infrastructure;

/// <summary>
/// Ports for the tests' servers, taken outside the kernel's ephemeral range (32768-60999 on Linux).
/// A port the kernel hands a listener is free at that moment, but it comes from the same range as
/// every outgoing connection, and one of the many connections a test opens can take it before the
/// server binds ("address already in use").
/// </summary>
public static class FreePort
{
    private const int First = 20_000;
    private const int Last = 27_000; // the chaos test takes 27480 and the next few
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                var port = Random.Shared.Next(First, Last);
                if (!Given.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Someone else's (another test run, a helper's database): try another.
                }
            }
        }
    }
}
