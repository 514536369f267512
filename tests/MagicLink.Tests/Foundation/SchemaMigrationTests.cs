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

    [Fact]
    public async Task A_clicks_leased_hold_written_before_0019_is_still_settled_once_after_it()
    {
        var db = await TestDatabase.CreateEmptyAsync();
        await SchemaMigrator.ApplyAsync(db, through: "0018");
        await TestDatabase.ScalarAsync<long>(db, """
            INSERT INTO account_credits (account_id, balance) VALUES ('acc_up', 10);
            SELECT credit_lease('acc_up', 1, ARRAY['lnk_up'], ARRAY[5], ARRAY[0]);
            INSERT INTO links (id, account_id, created_at, status, spec) VALUES ('lnk_up', 'acc_up', now(), 'active', '{}');
            SELECT link_write('lnk_up', 0, 'active', NULL, 1, 'acc_up', ARRAY['ses_up'], now(), now() + interval '1 hour', 'document', 'en',
                              ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::text[]);
            """);
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM credit_holds WHERE leased"));

        await SchemaMigrator.ApplyAsync(db);

        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM credit_holds"));
        Assert.Equal("ses_up lnk_up", await TestDatabase.ScalarAsync<string>(db, "SELECT session_id || ' ' || link_id FROM open_credit_holds"));
        const string Credits = """
            SELECT a.balance || ' ' || a.reserved || ' ' || a.spent || ' ' || a.leased || ' ' || l.size || ' ' || l.used || ' ' || a.version
            FROM account_credits a JOIN credit_leases l ON l.account_id = a.account_id
            """;
        Assert.Equal("10 0 0 5 5 1 2", await TestDatabase.ScalarAsync<string>(db, Credits));

        await TestDatabase.ScalarAsync<long>(db, "SELECT credit_settle('acc_up', 2, 'ses_up', true, now())");
        await TestDatabase.ScalarAsync<long>(db, "SELECT credit_settle('acc_up', 3, 'ses_up', true, now())");

        Assert.Equal("9 0 1 4 4 0 3", await TestDatabase.ScalarAsync<string>(db, Credits));
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(db, "SELECT count(*) FROM open_credit_holds"));
    }

    [Fact]
    public async Task A_silo_of_the_release_before_0020_still_writes_its_clicks_while_the_cluster_is_upgraded()
    {
        var db = await TestDatabase.CreateAsync();
        await TestDatabase.ScalarAsync<long>(db, """
            INSERT INTO account_credits (account_id, balance) VALUES ('acc_old', 10);
            SELECT credit_lease('acc_old', 1, ARRAY['lnk_old'], ARRAY[5], ARRAY[0]);
            INSERT INTO links (id, account_id, created_at, status, spec, version) VALUES ('lnk_old', 'acc_old', now(), 'active', '{}', 1);
            """);

        Assert.Equal(2, await TestDatabase.ScalarAsync<long>(db, """
            SELECT link_write('lnk_old', 1, 'active', NULL, 1, 'acc_old', ARRAY['ses_old'], now(), now() + interval '1 hour', 'document', 'en',
                              ARRAY['evt_old'], ARRAY['session.created'], ARRAY['ses_old'], ARRAY['{}'])
            """));
        Assert.Equal("ses_old lnk_old", await TestDatabase.ScalarAsync<string>(db, "SELECT session_id || ' ' || link_id FROM open_credit_holds"));
        Assert.Equal("ses_old", await TestDatabase.ScalarAsync<string>(db, "SELECT subject_id FROM events WHERE id = 'evt_old'"));
    }
}
