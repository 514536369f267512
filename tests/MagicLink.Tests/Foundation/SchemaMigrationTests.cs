using MagicLink.Silo.Schema;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Foundation;

public sealed class SchemaMigrationTests
{
    [Fact]
    public async Task Applying_the_migrations_twice_changes_nothing_the_second_time()
    {
        var db = await TestDatabase.CreateAsync();
        var scripts = await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM schemaversions");
        var queries = await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM orleansquery");
        Assert.True(scripts >= 4, $"expected the numbered scripts in the journal, found {scripts}");
        Assert.True(queries >= 20, $"expected the OrleansQuery rows, found {queries}");

        await SchemaMigrator.ApplyAsync(db);

        Assert.Equal(scripts, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM schemaversions"));
        Assert.Equal(queries, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM orleansquery"));
    }

    [Fact]
    public async Task Four_migrators_starting_at_once_all_succeed_and_apply_each_script_once()
    {
        var db = await TestDatabase.CreateEmptyAsync();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SchemaMigrator.ApplyAsync(db))));

        var applied = await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM schemaversions");
        var distinct = await TestDatabase.ScalarAsync<long>(db, "SELECT count(DISTINCT scriptname) FROM schemaversions");
        Assert.Equal(distinct, applied);
        Assert.Equal(
            typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal)),
            (int)applied);
    }
}
