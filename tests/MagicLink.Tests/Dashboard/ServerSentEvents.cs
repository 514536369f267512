namespace MagicLink.Tests.Dashboard;

/// <summary>Reads the dashboard's Server-Sent Events as a browser's EventSource would.</summary>
public static class ServerSentEvents
{
    /// <summary>The next event of the stream other than a keep-alive: its type and its data.</summary>
    public static async Task<(string Type, string Data)> NextAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                fields[line[..colon]] = line[(colon + 1)..].TrimStart();
            }
            else if (fields.GetValueOrDefault("event") is { } type and not "ping")
            {
                return (type, fields.GetValueOrDefault("data", ""));
            }
            else
            {
                fields.Clear();
            }
        }

        throw new EndOfStreamException("The event stream ended.");
    }
}
