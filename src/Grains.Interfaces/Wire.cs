using System.Text.Json;
using System.Text.Json.Serialization;

namespace MagicLink.Grains;

/// <summary>
/// How this service writes JSON, shared by the API and the event payloads so a webhook's
/// <c>data</c> reads like the API's answer: camelCase members, snake_case enum values.
/// </summary>
public static class Wire
{
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>An enum value as the API writes it: <c>InProgress</c> is <c>in_progress</c>.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The enum value <see cref="Name{T}"/> wrote.</summary>
    public static T Parse<T>(string name)
        where T : struct, Enum => Enum.Parse<T>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    /// <summary>The enum value whose <see cref="Name{T}"/> is exactly <paramref name="name"/>; null for anything else.</summary>
    public static T? TryParse<T>(string? name)
        where T : struct, Enum =>
        name is null ? null : Enum.GetValues<T>().Select(v => (T?)v).FirstOrDefault(v => Name(v!.Value) == name);

    public static readonly JsonSerializerOptions Json = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
