using Microsoft.AspNetCore.Http;

namespace MagicLink.Tests.Contract;

/// <summary>
/// Sits in the test clients' pipeline and holds every answer of a documented operation to the
/// OpenAPI document: an undocumented status or a body that does not match its schema fails the
/// request, and so the test that made it.
/// </summary>
public sealed class ContractCheck(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    // Kestrel answers these before any route is chosen: no operation gives them.
    private static readonly int[] Transport = [StatusCodes.Status414UriTooLong, StatusCodes.Status431RequestHeaderFieldsTooLarge];

    public ContractCheck()
        : this(new HttpClientHandler())
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var uri = request.RequestUri!;
        if (Transport.Contains((int)response.StatusCode))
        {
            return response;
        }

        var contract = await ApiContract.ForAsync(new Uri(uri.GetLeftPart(UriPartial.Authority)));
        if (contract.Find(request.Method, uri.AbsolutePath) is not { } operation)
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var broken = ApiContract.Check(operation, (int)response.StatusCode, response.Content.Headers.ContentType, body);
        return broken.Count == 0
            ? response
            : throw new ContractViolationException($"{request.Method} {uri.PathAndQuery} -> {(int)response.StatusCode}: {string.Join("; ", broken)}\n{body}");
    }
}

public sealed class ContractViolationException(string message) : Exception(message);
