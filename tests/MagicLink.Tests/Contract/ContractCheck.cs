namespace MagicLink.Tests.Contract;

/// <summary>
/// Sits in the test clients' pipeline and holds every answer of a documented operation to the
/// OpenAPI document: an undocumented status or a body that does not match its schema fails the
/// request, and so the test that made it.
/// </summary>
public sealed class ContractCheck(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public ContractCheck()
        : this(new HttpClientHandler())
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var uri = request.RequestUri!;
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
