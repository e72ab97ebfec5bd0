-- wrk script: cycles through the query list given in the POISK_QUERIES file, counts 5xx answers.
local queries = {}
local counter = 0
local server_errors = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- With POISK_RATE (requests/s, over POISK_CONNECTIONS connections) each connection waits between its
-- requests, so that the load is bounded at that rate while the server keeps up.
local interval_ms = 0

function init(args)
  local rate = tonumber(os.getenv("POISK_RATE") or "")
  local connections = tonumber(os.getenv("POISK_CONNECTIONS") or "")
  if rate and connections then interval_ms = connections * 1000 / rate end
  local file = io.open(os.getenv("POISK_QUERIES"), "r")
  for line in file:lines() do table.insert(queries, line) end
  file:close()
end

function request()
  counter = counter + 1
  return wrk.format("GET", "/api/search?" .. queries[(counter % #queries) + 1])
end

function delay()
  return interval_ms
end

function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end

function done(summary, latency, requests)
  local errors = 0
  for _, thread in ipairs(threads) do errors = errors + (thread:get("server_errors") or 0) end
  io.write(string.format("RESULT requests=%d p50_ms=%.1f p99_ms=%.1f server_errors=%d non2xx_socket_errors=%d p95_ms=%.1f seconds=%.2f\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(95) / 1000, summary.duration / 1e6))
end
