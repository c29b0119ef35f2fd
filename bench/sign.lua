-- wrk script: each request signs the petition with a new address, from a random
-- client address (sent as X-Forwarded-For, read because BEHIND_TLS_PROXY is on).
-- With RATE set (signatures a second, over all threads), requests are paced to
-- that rate instead of following each other as fast as the server answers.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local now_ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, now_ts)  -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) + tonumber(now_ts.tv_nsec) / 1e9
end
local interval = nil
local next_at = 0
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tonumber(id)
  token = os.getenv("FORM_TOKEN")
  origin = os.getenv("ORIGIN")
  math.randomseed(os.time() + thread_id * 7919)
  local rate = tonumber(os.getenv("RATE") or "")
  if rate and rate > 0 then
    -- This thread's share (the threads' count is not known in a thread's state).
    interval = tonumber(os.getenv("THREADS")) / rate
    next_at = now()
  end
end

-- Each request takes the thread's next slot; a thread that fell more than a
-- second behind (a slow server) starts again from now rather than bursting.
function delay()
  if not interval then
    return 0
  end
  local t = now()
  if next_at < t - 1 then
    next_at = t
  end
  local slot = next_at
  next_at = next_at + interval
  return math.max(0, (slot - t) * 1000)
end

function request()
  counter = counter + 1
  local email = string.format("bench-%d-%d-%d@example.org", thread_id, counter, math.random(1, 1000000000))
  local body = "name=Bench+Signer&email=" .. email .. "&country=AR&city=Rosario&form_token=" .. token
  local ip = string.format("%d.%d.%d.%d", math.random(11, 200), math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
    ["X-Forwarded-For"] = ip,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT completed=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
