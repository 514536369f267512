using System.Net.Mail;

namespace MagicLink.Api.Extensions;

/// <summary>Collects field errors so one answer names every problem with a request at once.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    public string? Text(string field, string? value, int min, int max, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"{field} is required.");
            }

            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length < min || trimmed.Length > max)
        {
            Add(field, $"{field} must be {min} to {max} characters long.");
            return null;
        }

        return trimmed;
    }

    public string? Email(string field, string? value)
    {
        var text = Text(field, value, 3, 254);
        if (text is not null && !IsEmail(text))
        {
            Add(field, $"{field} must be an email address.");
            return null;
        }

        return text;
    }

    public int? Number(string field, int? value, int min, int max, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"{field} is required.");
            }

            return null;
        }

        if (value < min || value > max)
        {
            Add(field, $"{field} must be between {min:N0} and {max:N0}.");
            return null;
        }

        return value;
    }

    public IResult Problem() => Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    public static bool IsEmail(string text) =>
        MailAddress.TryCreate(text, out var address)
        && address.Address == text
        && address.Host.Contains('.', StringComparison.Ordinal);
}
