using System.Net.Mail;
using MagicLink.Grains;
using MagicLink.Grains.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Extensions;

/// <summary>Collects field errors so one answer names every problem with a request at once.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsValid => _errors.Count == 0;

    /// <summary>The messages per field, for a dashboard form that shows them beside each field.</summary>
    public IReadOnlyDictionary<string, List<string>> Errors => _errors;

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

        if (!IsPlainText(value))
        {
            Add(field, $"{field} must not contain control characters (U+0000 to U+001F, U+007F).");
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

    /// <summary>A new password exactly as typed (<see cref="PasswordRule"/>): never trimmed, so spaces at its ends are refused.</summary>
    public string? Password(string field, string? value)
    {
        if (value is not null && PasswordRule.HasSpaceAtEnds(value))
        {
            Add(field, $"{field} must not begin or end with whitespace: it is used exactly as typed.");
            return null;
        }

        return Text(field, value, PasswordRule.MinLength, PasswordRule.MaxLength);
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

    /// <summary>An ISO 639-1 code the hosted flow ships; English when absent.</summary>
    public string Language(string field, string? value)
    {
        var language = value ?? Languages.Default;
        if (!Languages.IsSupported(language))
        {
            Add(field, $"{field} must be one of: {string.Join(", ", Languages.Supported)}.");
        }

        return language;
    }

    /// <summary>The request's Idempotency-Key header, or null when it sent none.</summary>
    public string? IdempotencyKey(string? key)
    {
        if (key?.Length > 255)
        {
            Add(Idempotency.Header, $"{Idempotency.Header} must be at most 255 characters.");
        }

        return string.IsNullOrEmpty(key) ? null : key;
    }

    public ValidationProblem Problem() => Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

    /// <summary>
    /// No control characters (CONTRACT, "Errors"): a NUL cannot be stored in PostgreSQL text or JSON,
    /// and the rest only hide or forge parts of what the dashboard and the webhooks show.
    /// </summary>
    public static bool IsPlainText(string text) => text.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') < 0 && !text.Contains('\u007f', StringComparison.Ordinal);

    public static bool IsEmail(string text) =>
        MailAddress.TryCreate(text, out var address)
        && address.Address == text
        && address.Host.Contains('.', StringComparison.Ordinal);
}
