using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

namespace MagicLink.Chaos;

/// <summary>
/// After the load: what the clients saw (DIR/run.json) against what the API and the database
/// say. Waits for the API to be ready, then checks; checks that fail are tried again every few
/// seconds until --settle seconds have passed (a session's listing row and its events are
/// written after its state, and retried after a failure), so only what stays wrong is reported.
/// Prints one line per check; exits 0 only when every discrepancy count is 0.
/// </summary>
internal static class Reconcile
{
    private const int Granted = 1_000_000;

    public static async Task<int> RunAsync(Options options)
    {
        var api = options.Url("api");
        var dir = options.Text("in");
        var settle = TimeSpan.FromSeconds(options.Number("settle", 90));
        var run = JsonSerializer.Deserialize<RunRecord>(await File.ReadAllTextAsync(Path.Combine(dir, "run.json")), Program.Json)
                  ?? throw new InvalidOperationException("run.json is empty");
        if (options.Number("tamper", 0) == 1)
        {
            run = Tamper(run);
        }
        using var http = Program.NewHttp(api, 32);
        var basic = Program.Basic(run.Account.ApiKey, run.Account.ApiSecret);
        await using var db = NpgsqlDataSource.Create(options.Text("db"));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < settle)
        {
            var (ready, _) = await Load.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Get, "health/ready"), TimeSpan.FromSeconds(10));
            if (ready == 200)
            {
                break;
            }

            await Task.Delay(1000);
        }

        Program.Log($"API ready after {watch.Elapsed.TotalSeconds:F0} s; reconciling {run.Clicks.Count} clicks on {run.Links.Count} links");
        // Each 303's session URL, opened once; the ones that fail are opened again next attempt.
        var sessionUrls = new ConcurrentDictionary<string, (int Status, string? Id)>(StringComparer.Ordinal);
        Table? table = null;
        var attempt = 0;
        do
        {
            if (attempt++ > 0)
            {
                await Task.Delay(5000);
            }

            try
            {
                table = await CheckAsync(run, http, basic, db, sessionUrls);
            }
            catch (Exception e) when (e is NpgsqlException or HttpRequestException or InvalidOperationException or OperationCanceledException)
            {
                Program.Log($"attempt {attempt} could not read everything: {e.GetType().Name}: {e.Message}");
                table = null;
                continue;
            }

            Program.Log($"attempt {attempt}: {table.Discrepancies} discrepancies");
        }
        while ((table is null || table.Discrepancies > 0) && watch.Elapsed < settle);

        if (table is null)
        {
            Console.WriteLine("RECONCILIATION: could not read the API and the database");
            return 1;
        }

        table.Print(run, attempt, watch.Elapsed);
        return table.Discrepancies == 0 ? 0 : 1;
    }

    private static async Task<Table> CheckAsync(RunRecord run, HttpClient http, AuthenticationHeaderValue basic, NpgsqlDataSource db,
        ConcurrentDictionary<string, (int Status, string? Id)> sessionUrls)
    {
        var t = new Table();
        var timeout = TimeSpan.FromSeconds(30);
        var account = run.Account.Id;

        // ---- the API's view ------------------------------------------------------------------
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var link in run.Links)
        {
            var (status, body) = await Load.SendAsync(http, () => Authorized(HttpMethod.Get, $"api/v1/links/{link.Id}", basic), timeout);
            if (status != 200 || body is null)
            {
                throw new InvalidOperationException($"GET /api/v1/links/{link.Id} answered {status}");
            }

            using var doc = JsonDocument.Parse(body);
            used[link.Id] = doc.RootElement.GetProperty("usage").GetProperty("used").GetInt32();
        }

        var (accountStatus, accountBody) = await Load.SendAsync(http, () => Authorized(HttpMethod.Get, "api/v1/account", basic), timeout);
        if (accountStatus != 200 || accountBody is null)
        {
            throw new InvalidOperationException($"GET /api/v1/account answered {accountStatus}");
        }

        int balance, reserved, spent;
        using (var doc = JsonDocument.Parse(accountBody))
        {
            var credits = doc.RootElement.GetProperty("credits");
            balance = credits.GetProperty("balance").GetInt32();
            reserved = credits.GetProperty("reserved").GetInt32();
            spent = credits.GetProperty("spent").GetInt32();
        }

        // ---- the database's view -------------------------------------------------------------
        var sessions = new Dictionary<string, (string? Link, string Status)>(StringComparer.Ordinal);
        await foreach (var r in Rows(db, "SELECT id, link_id, status FROM sessions WHERE account_id = $1", account))
        {
            sessions[r.GetString(0)] = (r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2));
        }

        var holds = new Dictionary<string, string?>(StringComparer.Ordinal);
        await foreach (var r in Rows(db, "SELECT session_id, link_id FROM open_credit_holds WHERE account_id = $1", account))
        {
            holds[r.GetString(0)] = r.IsDBNull(1) ? null : r.GetString(1);
        }

        var dbUsed = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var r in Rows(db, "SELECT id, used FROM links WHERE account_id = $1", account))
        {
            dbUsed[r.GetString(0)] = r.GetInt32(1);
        }

        var duplicateEvents = new List<string>();
        await foreach (var r in Rows(db, "SELECT type, subject_id, count(*)::int FROM events WHERE account_id = $1 GROUP BY 1, 2 HAVING count(*) > 1", account))
        {
            duplicateEvents.Add(string.Create(CultureInfo.InvariantCulture, $"{r.GetString(0)} {r.GetString(1)} x{r.GetInt32(2)}"));
        }

        var events = new HashSet<(string, string)>();
        await foreach (var r in Rows(db, "SELECT DISTINCT type, subject_id FROM events WHERE account_id = $1", account))
        {
            events.Add((r.GetString(0), r.GetString(1)));
        }

        // ---- every 303's session URL ---------------------------------------------------------
        var seen = run.Clicks.Where(c => c.Status == 303).ToList();
        var toOpen = seen.Where(c => c.Location is { } l && (!sessionUrls.TryGetValue(l, out var v) || v.Status != 200)).Select(c => c.Location!).Distinct().ToList();
        await Parallel.ForEachAsync(toOpen, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (location, _) =>
        {
            var (status, body) = await Load.SendAsync(http, () =>
            {
                var r = new HttpRequestMessage(HttpMethod.Get, Load.SessionPath(location));
                r.Headers.Accept.ParseAdd("application/json");
                return r;
            }, timeout);
            string? id = null;
            if (status == 200 && body is not null)
            {
                using var doc = JsonDocument.Parse(body);
                id = doc.RootElement.TryGetProperty("id", out var v) ? v.GetString() : null;
            }

            sessionUrls[location] = (status, id);
        });

        // ---- clicks against uses -------------------------------------------------------------
        var byLink = run.Clicks.GroupBy(c => c.Link).ToDictionary(g => g.Key, g => g.ToList());
        int uncounted303 = 0, overCounted = 0, lostCounted = 0, lostNot = 0, overLimit = 0, unexplained = 0, linksRowDiff = 0, sessionsNotUse = 0;
        foreach (var link in run.Links)
        {
            var clicks = byLink.GetValueOrDefault(link.Index) ?? [];
            var n303 = clicks.Count(c => c.Status == 303);
            var lost = clicks.Count(c => c.Status == 0 || c.Status >= 500);
            var u = used[link.Id];
            var extra = u - n303;
            if (extra < 0)
            {
                uncounted303 += -extra;
                t.Evidence.Add($"link {link.Id} ({link.Kind}): used {u} < {n303} 303s seen");
            }
            else if (extra > lost)
            {
                overCounted += extra - lost;
                lostCounted += lost;
                t.Evidence.Add($"link {link.Id} ({link.Kind}): used {u} > {n303} 303s + {lost} lost answers");
            }
            else
            {
                lostCounted += extra;
                lostNot += lost - extra;
            }

            if (link.Limit is { } limit && u > limit)
            {
                overLimit += u - limit;
                t.Evidence.Add($"link {link.Id}: used {u} over its limit {limit}");
            }

            if (dbUsed.GetValueOrDefault(link.Id, -1) != u)
            {
                linksRowDiff++;
                t.Evidence.Add($"link {link.Id}: API used {u}, links.used {dbUsed.GetValueOrDefault(link.Id, -1)}");
            }

            // The sessions of this link that no 303 named are the lost clicks that were counted.
            var linkSessions = sessions.Where(s => s.Value.Link == link.Id).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            if (linkSessions.Count != u)
            {
                sessionsNotUse += Math.Abs(linkSessions.Count - u);
                t.Evidence.Add($"link {link.Id}: {linkSessions.Count} sessions rows, used {u}");
            }

            var named = clicks.Where(c => c.Status == 303 && c.Location is not null)
                .Select(c => sessionUrls.TryGetValue(c.Location!, out var v) ? v.Id : null).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
            var fromLost = linkSessions.Count(s => !named.Contains(s));
            if (fromLost > lost)
            {
                unexplained += fromLost - lost;
                t.Evidence.Add($"link {link.Id}: {fromLost} sessions no 303 named, only {lost} lost answers");
            }
        }

        var statuses = run.Clicks.GroupBy(c => c.Status).ToDictionary(g => g.Key, g => g.Count());
        int S(int code) => statuses.GetValueOrDefault(code);
        var fiveXx = run.Clicks.Count(c => c.Status >= 500);
        var other4xx = run.Clicks.Count(c => c.Status is >= 400 and < 500 and not 402 and not 410);
        var lostTotal = S(0) + fiveXx;
        t.Info("clicks sent", run.Clicks.Count, string.Create(CultureInfo.InvariantCulture,
            $"303 {S(303)}, 410 {S(410)}, 402 {S(402)}, other 4xx {other4xx}, 5xx {fiveXx}, lost (timeout/transport) {S(0)}"));
        t.Check("links: usage.used (API) >= 303s seen", $"{used.Values.Sum()} used, {S(303)} 303s", uncounted303);
        t.Check("links: usage.used <= 303s + lost answers (5xx, timeouts)", $"{lostTotal} lost/5xx", overCounted);
        t.Info("  lost answers resolved: counted (a use, a session)", lostCounted, "used - 303s, per link");
        t.Info("  lost answers resolved: not counted", lostNot, "");
        t.Check("links: used <= limit (single, multi)", $"{run.Links.Count(l => l.Limit is not null)} limited links", overLimit);
        t.Check("links: API used == links.used (DB)", $"{run.Links.Count} links", linksRowDiff);
        t.Check("links: sessions rows per link == used (no session without a use)", $"{sessions.Count(s => s.Value.Link is not null)} sessions", sessionsNotUse);
        t.Check("links: sessions no 303 named <= lost answers", "", unexplained);

        // ---- every 303's session URL works and belongs to its link ---------------------------
        int urlFailed = 0, wrongLink = 0;
        var locations = new HashSet<string>(StringComparer.Ordinal);
        var duplicateLocations = 0;
        foreach (var c in seen)
        {
            if (c.Location is null || !sessionUrls.TryGetValue(c.Location, out var v) || v.Status != 200 || v.Id is null)
            {
                urlFailed++;
                if (t.Evidence.Count < 60)
                {
                    t.Evidence.Add($"303 {c.Location} at {c.At}: GET answered {(c.Location is null ? -1 : sessionUrls.GetValueOrDefault(c.Location).Status)}");
                }

                continue;
            }

            if (!locations.Add(c.Location))
            {
                duplicateLocations++;
                t.Evidence.Add($"303 {c.Location} was answered to two clicks");
            }

            if (!sessions.TryGetValue(v.Id, out var row) || row.Link != run.Links[c.Link].Id)
            {
                wrongLink++;
                t.Evidence.Add($"303 {c.Location} (link {run.Links[c.Link].Id}) opens {v.Id}: sessions row {(row.Status is null ? "missing" : "of " + row.Link)}");
            }
        }

        t.Check("303s: session URL answers 200 (GET /v/{token}, JSON)", $"{seen.Count} URLs", urlFailed);
        t.Check("303s: session exists (DB) and belongs to the link", "", wrongLink);
        t.Check("303s: each Location answered once", "", duplicateLocations);

        // ---- credits ------------------------------------------------------------------------
        var open = sessions.Where(s => s.Value.Status is "pending" or "in_progress" or "submitted").Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var decided = sessions.Where(s => s.Value.Status is "approved" or "denied").ToList();
        var holdNoSession = holds.Keys.Count(h => !sessions.ContainsKey(h));
        var holdClosed = holds.Keys.Count(h => sessions.ContainsKey(h) && !open.Contains(h));
        var openNoHold = open.Count(s => !holds.ContainsKey(s));
        foreach (var h in holds.Keys.Where(h => !sessions.ContainsKey(h)).Take(10))
        {
            t.Evidence.Add($"credit hold {h} (link {holds[h]}) has no sessions row");
        }

        foreach (var h in holds.Keys.Where(h => sessions.ContainsKey(h) && !open.Contains(h)).Take(10))
        {
            t.Evidence.Add($"credit hold {h} on a {sessions[h].Status} session");
        }

        foreach (var s in open.Where(s => !holds.ContainsKey(s)).Take(10))
        {
            t.Evidence.Add($"open session {s} ({sessions[s].Status}) holds no credit");
        }

        t.Check("credits: holds without a session (DB)", $"{holds.Count} holds", holdNoSession);
        t.Check("credits: holds on a finished session (DB)", "", holdClosed);
        t.Check("credits: open sessions without a hold (DB)", $"{open.Count} open sessions", openNoHold);
        t.Check("credits: reserved (API) == open sessions' holds", $"reserved {reserved}, holds {holds.Count}", Math.Abs(reserved - holds.Count));
        t.Check("credits: spent (API) == approved + denied sessions", $"spent {spent}, decided {decided.Count}", Math.Abs(spent - decided.Count));
        t.Check("credits: balance + spent == granted", $"balance {balance}, granted {Granted}", Math.Abs(balance + spent - Granted));

        var reviewed = run.Flows.Where(f => f.ReviewStatus == 200 && f.SessionId is not null).ToList();
        var reviewLost = run.Flows.Count(f => f.ReviewStatus == 0 || f.ReviewStatus >= 500);
        var reviewMismatch = reviewed.Count(f => !sessions.TryGetValue(f.SessionId!, out var row) || row.Status != f.Decision);
        foreach (var f in reviewed.Where(f => !sessions.TryGetValue(f.SessionId!, out var row) || row.Status != f.Decision).Take(10))
        {
            t.Evidence.Add($"review {f.Decision} of {f.SessionId} answered 200; sessions row says {(sessions.TryGetValue(f.SessionId!, out var row) ? row.Status : "missing")}");
        }

        t.Info("flows: opened / submitted / reviewed 200 / review lost", run.Flows.Count, string.Create(CultureInfo.InvariantCulture,
            $"{run.Flows.Count(f => f.Steps.Any(s => s.StartsWith("submit:2", StringComparison.Ordinal) || s.StartsWith("submit:3", StringComparison.Ordinal)))} submitted, {reviewed.Count} reviewed, {reviewLost} lost"));
        var flowFailures = run.Flows.Where(f => f.ReviewStatus != 200).SelectMany(f => f.Steps.TakeLast(1)).GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}");
        t.Info("  flows that stopped early (last step)", run.Flows.Count(f => f.ReviewStatus != 200), string.Join(", ", flowFailures));
        t.Check("reviews answered 200 are decided so (DB status)", $"{reviewed.Count} reviews", reviewMismatch);

        // A review whose answer was lost (or 5xx) may have been applied: the API's session (its
        // grain) tells; the listing row and the decision's event must then agree with it.
        int lostApplied = 0, lostNotApplied = 0, lostDisagree = 0;
        foreach (var f in run.Flows.Where(f => f.SessionId is not null && (f.ReviewStatus == 0 || f.ReviewStatus >= 500)))
        {
            var (status, body) = await Load.SendAsync(http, () => Authorized(HttpMethod.Get, $"api/v1/sessions/{f.SessionId}", basic), timeout);
            if (status != 200 || body is null)
            {
                throw new InvalidOperationException($"GET /api/v1/sessions/{f.SessionId} answered {status}");
            }

            using var doc = JsonDocument.Parse(body);
            var apiStatus = doc.RootElement.GetProperty("status").GetString();
            if (apiStatus is not ("approved" or "denied"))
            {
                lostNotApplied++;
                continue;
            }

            lostApplied++;
            var rowStatus = sessions.TryGetValue(f.SessionId!, out var row) ? row.Status : "missing";
            var hasEvent = events.Contains(("session." + apiStatus, f.SessionId!));
            if (rowStatus != apiStatus || !hasEvent)
            {
                lostDisagree++;
                t.Evidence.Add($"review of {f.SessionId} answered {f.ReviewStatus}; the API says {apiStatus}, the sessions row {rowStatus}, " +
                               $"session.{apiStatus} event {(hasEvent ? "present" : "missing")}");
            }
        }

        t.Info("  reviews whose answer was lost or 5xx: applied / not applied", lostApplied, string.Create(CultureInfo.InvariantCulture, $"{lostNotApplied} not applied"));
        t.Check("reviews lost but applied (API): sessions row and event agree", $"{lostApplied} applied", lostDisagree);

        // ---- events -------------------------------------------------------------------------
        var createdMissing = sessions.Keys.Count(s => !events.Contains(("session.created", s)));
        var decisionMissing = decided.Count(s => !events.Contains(("session." + s.Value.Status, s.Key)));
        foreach (var d in duplicateEvents.Take(10))
        {
            t.Evidence.Add($"event twice: {d}");
        }

        t.Check("events: no duplicate (type, subject_id)", $"{events.Count} distinct", duplicateEvents.Count);
        t.Check("events: session.created for every session", $"{sessions.Count} sessions", createdMissing);
        t.Check("events: session.approved/denied for every decision", $"{decided.Count} decided", decisionMissing);
        return t;
    }

    /// <summary>
    /// The checker's own test (<c>--tamper 1</c>, CHAOS_SELF_CHECK=1 in run.sh): what the clients
    /// saw, changed in three ways the checks must catch: a 303 of a link without lost answers
    /// forgotten, a 303's Location swapped for another link's, a review's decision flipped.
    /// </summary>
    private static RunRecord Tamper(RunRecord run)
    {
        var clicks = run.Clicks.ToList();
        var lostLinks = clicks.Where(c => c.Status == 0 || c.Status >= 500).Select(c => c.Link).ToHashSet();
        // A 303 forgotten on a link with lost answers could be one of them: only a link without any.
        var forget = clicks.FindIndex(c => c.Status == 303 && !lostLinks.Contains(c.Link));
        var a = clicks.FindIndex(c => c.Status == 303 && c.Link == 0);
        var b = Enumerable.Range(0, clicks.Count).FirstOrDefault(i => i != forget && clicks[i].Status == 303 && clicks[i].Link != 0, -1);
        if (a < 0 || b < 0)
        {
            throw new InvalidOperationException("nothing to tamper with: no 303 on the hot link and on another");
        }

        (clicks[a], clicks[b]) = (clicks[a] with { Location = clicks[b].Location }, clicks[b] with { Location = clicks[a].Location });
        Program.Log(forget < 0
            ? "tampered: swapped the Locations of two 303s, flipped a review (every link had lost answers: no 303 forgotten)"
            : $"tampered: forgot a 303 of link {run.Links[clicks[forget].Link].Id}, swapped the Locations of two 303s, flipped a review");
        if (forget >= 0)
        {
            clicks.RemoveAt(forget);
        }

        var flows = run.Flows.ToList();
        var reviewed = flows.FindIndex(f => f.ReviewStatus == 200);
        if (reviewed >= 0)
        {
            flows[reviewed] = flows[reviewed] with { Decision = flows[reviewed].Decision == "approved" ? "denied" : "approved" };
        }

        return run with { Clicks = clicks, Flows = flows };
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, AuthenticationHeaderValue basic)
    {
        var r = new HttpRequestMessage(method, path);
        r.Headers.Authorization = basic;
        return r;
    }

    private static async IAsyncEnumerable<NpgsqlDataReader> Rows(NpgsqlDataSource db, string sql, string account)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = account });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return reader;
        }
    }

    private sealed class Table
    {
        private readonly List<(string Name, string Seen, string Count, int? Discrepancies)> lines = [];

        public List<string> Evidence { get; } = [];

        public int Discrepancies => lines.Sum(l => l.Discrepancies ?? 0);

        public void Check(string name, string seen, int discrepancies) => lines.Add((name, seen, "", discrepancies));

        public void Info(string name, int count, string seen) => lines.Add((name, seen, count.ToString(CultureInfo.InvariantCulture), null));

        public void Print(RunRecord run, int attempts, TimeSpan after)
        {
            var w = Console.Out;
            w.WriteLine();
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CHAOS RECONCILIATION  account {run.Account.Id}, {run.Links.Count} links, load {run.Started} .. {run.Ended}; attempt {attempts}, checked within {after.TotalSeconds:F0} s after the load"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"check",-68} {"count",7} {"discrepancies",13}  figures"));
            w.WriteLine(new string('-', 126));
            foreach (var (name, seen, count, d) in lines)
            {
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-68} {count,7} {(d is { } n ? n.ToString(CultureInfo.InvariantCulture) : ""),13}  {seen}"));
            }

            w.WriteLine(new string('-', 126));
            if (Evidence.Count > 0)
            {
                w.WriteLine("evidence:");
                foreach (var e in Evidence.Take(60))
                {
                    w.WriteLine("  " + e);
                }
            }

            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RECONCILIATION: {Discrepancies} discrepancies ({(Discrepancies == 0 ? "PASS" : "FAIL")})"));
        }
    }
}
