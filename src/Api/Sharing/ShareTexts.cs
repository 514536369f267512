using System.Collections.Frozen;
using System.Globalization;
using MagicLink.Api.Pages;
using MagicLink.Grains;

namespace MagicLink.Api.Sharing;

/// <summary>
/// The words of a shared link (email, SMS, poster) in each language the hosted flow ships. The
/// button's label is the start page's, so the email promises what the page then says.
/// <c>SmsLead</c> keeps to the GSM-7 alphabet, so an SMS with it fits one 160-character segment.
/// </summary>
public sealed record ShareTexts(
    string Language,
    string Subject,
    string Intro,
    string OrOpen,
    string ScanHint,
    string QrAlt,
    string SmsLead,
    string PosterInstruction)
{
    private static readonly FrozenDictionary<string, ShareTexts> All = new ShareTexts[]
    {
        new("en", "Please verify your identity: {0}",
            "You have been asked to verify your identity. It takes a few minutes; have an identity document ready.",
            "If the button does not work, open this link:", "Or scan this code with your phone's camera:",
            "QR code of the verification link", "Verify your identity:",
            "Scan the code with your phone's camera to verify your identity."),
        new("lt", "Patvirtinkite savo tapatybę: {0}",
            "Jūsų prašoma patvirtinti savo tapatybę. Tai užtruks kelias minutes; pasiruoškite asmens dokumentą.",
            "Jei mygtukas neveikia, atidarykite šią nuorodą:", "Arba nuskenuokite šį kodą telefono kamera:",
            "Patvirtinimo nuorodos QR kodas", "Patvirtinkite savo tapatybe:",
            "Nuskenuokite kodą telefono kamera ir patvirtinkite savo tapatybę."),
        new("de", "Bitte bestätigen Sie Ihre Identität: {0}",
            "Sie wurden gebeten, Ihre Identität zu bestätigen. Das dauert wenige Minuten; halten Sie ein Ausweisdokument bereit.",
            "Falls die Schaltfläche nicht funktioniert, öffnen Sie diesen Link:", "Oder scannen Sie diesen Code mit der Kamera Ihres Telefons:",
            "QR-Code des Verifizierungslinks", "Bitte bestätigen Sie Ihre Identität:",
            "Scannen Sie den Code mit der Kamera Ihres Telefons, um Ihre Identität zu bestätigen."),
        new("es", "Verifique su identidad: {0}",
            "Se le ha pedido que verifique su identidad. Solo tarda unos minutos; tenga a mano un documento de identidad.",
            "Si el botón no funciona, abra este enlace:", "O escanee este código con la cámara de su teléfono:",
            "Código QR del enlace de verificación", "Verifique su identidad:",
            "Escanee el código con la cámara de su teléfono para verificar su identidad."),
        new("fr", "Vérifiez votre identité : {0}",
            "On vous demande de vérifier votre identité. Cela prend quelques minutes ; munissez-vous d'une pièce d'identité.",
            "Si le bouton ne fonctionne pas, ouvrez ce lien :", "Ou scannez ce code avec l'appareil photo de votre téléphone :",
            "Code QR du lien de vérification", "Vérifiez votre identité :",
            "Scannez le code avec l'appareil photo de votre téléphone pour vérifier votre identité."),
    }.ToFrozenDictionary(t => t.Language);

    public static ShareTexts For(string? language) => All[Languages.IsSupported(language) ? language! : Languages.Default];

    public static IReadOnlyCollection<string> Shipped => All.Keys;

    public string Button => Texts.For(Language)["start.button"];

    public string SubjectFor(string linkName) => string.Format(CultureInfo.InvariantCulture, Subject, linkName);
}
