-- Replays a fixed list of requests round-robin and prints one JSON line of results.
--
--   wrk -t1 -c4 -d8s --latency -s bench/lua/replay.lua http://127.0.0.1:PORT -- REQUESTS_FILE
--
-- REQUESTS_FILE holds records "METHOD PATH BODY_LENGTH\n" followed by BODY_LENGTH bytes of
-- body and "\n". Headers given with -H (Authorization, If-None-Match) go on every request;
-- a request with a body gets Content-Type: application/json. Each thread starts at a
-- different offset so two threads never replay the same sequence in step.

local requests = {}
local position = 1
statuses = {}        -- global: done() reads it from each thread with thread:get
thread_number = 1    -- global: set per thread by setup()
local threads = {}
local started = 0

function setup(thread)
  started = started + 1
  thread:set("thread_number", started)
  table.insert(threads, thread)
end

local function read_requests(path)
  local file = assert(io.open(path, "rb"))
  local list = {}
  while true do
    local line = file:read("*l")
    if line == nil or line == "" then break end
    local method, target, length = line:match("^(%S+) (%S+) (%d+)$")
    assert(method, "bad record header: " .. line)
    length = tonumber(length)
    local body = nil
    if length > 0 then body = file:read(length) end
    file:read(1) -- the newline after the body
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    if body then headers["Content-Type"] = "application/json" end
    table.insert(list, wrk.format(method, target, headers, body))
  end
  file:close()
  return list
end

function init(args)
  requests = read_requests(args[1])
  position = (thread_number - 1) * 7919 % #requests + 1
end

function request()
  local r = requests[position]
  position = position % #requests + 1
  return r
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_stats)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local codes = {}
  for status, count in pairs(merged) do
    codes[#codes + 1] = string.format('"%d":%d', status, count)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d},' ..
    '"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, table.concat(codes, ",")))
end
