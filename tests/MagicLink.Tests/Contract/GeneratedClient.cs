using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace MagicLink.Tests.Contract;

/// <summary>
/// A C# client NSwag generates from the live OpenAPI document, compiled in memory by Roslyn and
/// called by operation id, as a customer's generated client would be: nothing of the service's own
/// types is shared with it.
/// </summary>
public sealed class GeneratedClient
{
    private readonly Assembly _assembly;
    private readonly object _client;

    private GeneratedClient(Assembly assembly, HttpClient http)
    {
        _assembly = assembly;
        _client = Activator.CreateInstance(Type("MagicLinkClient"), http)!;
    }

    public const string Namespace = "Generated";

    public static async Task<(string Source, GeneratedClient Client)> CreateAsync(ApiContract contract, HttpClient http)
    {
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "MagicLinkClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = Namespace;
        var source = new CSharpClientGenerator(contract.Document, settings).GenerateFile();
        return (source, new GeneratedClient(await Task.Run(() => Compile(source)), http));
    }

    public Type Type(string name) => _assembly.GetType($"{Namespace}.{name}") ?? throw new InvalidOperationException($"The generated code has no type {name}.");

    /// <summary>A generated model with these property values.</summary>
    public dynamic New(string type, params (string Property, object? Value)[] values)
    {
        var model = Activator.CreateInstance(Type(type))!;
        foreach (var (property, value) in values)
        {
            var info = model.GetType().GetProperty(property) ?? throw new InvalidOperationException($"{type} has no property {property}.");
            var target = Nullable.GetUnderlyingType(info.PropertyType) ?? info.PropertyType;
            info.SetValue(model, value is string text && target.IsEnum ? Enum.Parse(target, text, ignoreCase: true) : value);
        }

        return model;
    }

    /// <summary>Calls the operation <paramref name="operationId"/>, its parameters given by name (case and underscores aside).</summary>
    public async Task<dynamic?> CallAsync(string operationId, params (string Name, object? Value)[] arguments)
    {
        var method = _client.GetType().GetMethods()
            .Where(m => m.Name == operationId + "Async")
            .OrderBy(m => m.GetParameters().Length)
            .First();
        var given = arguments.ToDictionary(a => Plain(a.Name), a => a.Value);
        var values = method.GetParameters()
            .Select(p => given.TryGetValue(Plain(p.Name!), out var value) ? value : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null)
            .ToArray();
        var task = (Task)method.Invoke(_client, values)!;
        try
        {
            await task;
        }
        catch (Exception e) when (e.GetType().GetProperty("Result") is { } problem)
        {
            // The generated exception keeps the problem it read; the test's failure should show it.
            throw new InvalidOperationException($"{operationId}: {e.Message} {Newtonsoft.Json.JsonConvert.SerializeObject(problem.GetValue(e))}", e);
        }

        return task.GetType().GetProperty("Result")?.GetValue(task) is { } result && result.GetType().Name != "VoidTaskResult" ? result : null;
    }

    private static string Plain(string name) => name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    private static Assembly Compile(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Newtonsoft.Json.JsonConvert).Assembly.Location)
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "MagicLink.GeneratedClient",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!emitted.Success)
        {
            var saved = Path.Combine(Path.GetTempPath(), $"magiclink-client-{Guid.NewGuid():N}.cs");
            File.WriteAllText(saved, source);
            throw new InvalidOperationException($"The generated client ({saved}) does not compile:\n" + string.Join("\n", errors));
        }

        image.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(image);
    }
}
