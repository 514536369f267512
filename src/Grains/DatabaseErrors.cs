using Npgsql;

namespace MagicLink.Grains;

/// <summary>
/// A grain call that failed on the database fails its caller with an <see cref="OrleansException"/>
/// saying so. Npgsql's exceptions cannot make the trip back (Orleans has no codec for them), and
/// what arrived instead read as an unknown error: a 500 where the database being away is a 503.
/// </summary>
public sealed class DatabaseErrors : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (NpgsqlException e)
        {
            throw new OrleansException($"The database did not answer {context.ImplementationMethod.Name}: {e.Message}");
        }
    }
}
