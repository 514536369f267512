using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Hosted;

public static class SessionUploadsApi
{
    /// <summary>The owner's read-back of a session's images, decrypted: <c>/api/v1/sessions/{id}/uploads/{kind}</c>.</summary>
    public static RouteGroupBuilder MapSessionUploads(this RouteGroupBuilder api)
    {
        api.MapGet("/sessions/{id}/uploads/{kind}", Read)
            .WithTags("Sessions")
            .WithSummary("One image of the session (document_front, document_back or selfie) with its content type.");
        return api;
    }

    private static async Task<IResult> Read(string id, string kind, HttpContext http, IGrainFactory grains, UploadStore store, UploadCipher cipher)
    {
        if (UploadKinds.Parse(kind) is not { } wanted)
        {
            return Problems.Validation("kind", "kind must be document_front, document_back or selfie.");
        }

        var accountId = http.AccountId();
        if (!Ids.IsValid(id, Ids.Session) || await grains.GetGrain<ISessionGrain>(id).Get() is not { } session || session.AccountId != accountId)
        {
            return Problems.NotFound("session");
        }

        if (await store.FindAsync(id, accountId, wanted) is not { } upload)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: $"The session has no {kind} image.");
        }

        if (cipher.Open(upload.Sealed, UploadStore.AssociatedData(upload.Id, id, wanted)) is not { } image)
        {
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Upload key missing",
                detail: $"The image was encrypted under key {upload.Sealed.KeyId}, which this instance does not hold. " +
                        $"Give every API instance the same {UploadCipher.KeyVariable}.");
        }

        return Results.File(image, upload.ContentType);
    }
}
