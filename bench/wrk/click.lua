-- bench/run.sh's click load for wrk: every request is a click, POST <path> with no body, sent
-- again as soon as its answer is in (wrk keeps one request in flight per connection: a closed
-- loop, like pgbench's clients). Each click goes to a random path of the file (the hot case has
-- one). At the end it prints one RESULT line in LoadGen's format.
-- Arguments after "--": PATHS-FILE MODE CONNECTIONS

local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no click paths in " .. args[1]) end
  mode, links, connections = args[2], #paths, tonumber(args[3])
  math.randomseed(os.time() * 1000 + number)
  accepted, statuses = 0, {}
end

function request()
  return wrk.format("POST", paths[math.random(links)], { ["Content-Length"] = "0" })
end

-- Only a 303 See Other with a Location is an accepted click; anything else is counted by status.
function response(status, headers)
  if status == 303 and headers["Location"] then
    accepted = accepted + 1
  else
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency)
  local ok, errors, codes = 0, 0, {}
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("accepted")
    for status, count in pairs(thread:get("statuses")) do
      codes[status] = (codes[status] or 0) + count
      errors = errors + count
    end
  end
  local outcomes = "303:" .. ok
  for status, count in pairs(codes) do outcomes = outcomes .. "," .. status .. ":" .. count end
  local e = summary.errors
  local transport = e.connect + e.read + e.write + e.timeout
  if transport > 0 then outcomes = outcomes .. ",transport:" .. transport end
  local first, seconds = threads[1], summary.duration / 1e6
  io.write(string.format(
    "RESULT mode=%s links=%d concurrency=%d seconds=%.1f clicks_per_s=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f ok=%d errors=%d outcomes=%s\n",
    first:get("mode"), first:get("links"), first:get("connections"), seconds, ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, ok, errors + transport, outcomes))
end
