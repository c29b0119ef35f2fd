-- wrk script: each request signs the petition with a new address, from a random
-- client address (sent as X-Forwarded-For, read because BEHIND_TLS_PROXY is on).
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
