namespace MagicLink.Api.Hosted;

/// <summary>The multipart form of <c>POST /v/{token}/uploads</c>, as the OpenAPI document shows it.</summary>
/// <param name="Kind">document_front, document_back or selfie.</param>
/// <param name="File">A JPEG or PNG of at least 640×480 and at most 10 MB.</param>
public sealed record ImageUpload(string Kind, IFormFile File);
