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
        catch (Exception e) when (FromDatabase(e) is { } database)
        {
            throw new OrleansException($"The database failed {context.ImplementationMethod.Name}: {database.Message}");
        }
    }

    // Also when wrapped: the storage provider reports a failed state write with Npgsql's exception inside.
    private static NpgsqlException? FromDatabase(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException database)
            {
                return database;
            }
        }

        return null;
    }
}
