-- wrk script: each request orders 1 to 3 random items of the round, 1 to 3 of each
-- (with the price shown for each item ordered; the other quantities are left out,
-- as the form allows), for a random pickup point, with a new address, from a random
-- client address (sent as X-Forwarded-For, read because BEHIND_TLS_PROXY is on).
--
-- ITEMS_FILE has one orderable item a line: "<item id> <price> <variant ids, or ->".
-- FIXED is the rest of the form (delivery, currency, form token…), PICKUP_POINTS the
-- pickup points' ids ("3,4").
--
-- Answers are counted by kind: a redirect to the "ordered" page (accepted); a
-- refusal because an item sold out, as a 409 or as a 400 whose field error says
-- so (the form checks what is left before the ordering service does); anything else.
local threads = {}
local items = {}
local points = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tonumber(id)
  origin = os.getenv("ORIGIN")
  fixed = os.getenv("FIXED")
  for point in string.gmatch(os.getenv("PICKUP_POINTS"), "%d+") do
    table.insert(points, point)
  end
  for line in io.lines(os.getenv("ITEMS_FILE")) do
    local item, price, variants = line:match("^(%d+) (%d+) (%S+)$")
    local own = {}
    for variant in string.gmatch(variants, "%d+") do
      table.insert(own, variant)
    end
    table.insert(items, { id = item, price = price, variants = own })
  end
  math.randomseed(os.time() + thread_id * 7919)
  -- Globals, read by done() through thread:get().
  accepted = 0
  sold_out_409 = 0
  sold_out_400 = 0
  other_redirect = 0
  other_409 = 0
  other_400 = 0
  other_status = 0
  server_errors = 0
  first_other = ""
end

function request()
  counter = counter + 1
  local wanted = math.min(math.random(1, 3), #items)
  local chosen = {}
  local fields = {}
  while #chosen < wanted do
    local k = math.random(1, #items)
    local fresh = true
    for _, seen in ipairs(chosen) do
      if seen == k then
        fresh = false
      end
    end
    if fresh then
      table.insert(chosen, k)
      local item = items[k]
      local field = "q_" .. item.id
      if #item.variants > 0 then
        field = field .. "_" .. item.variants[math.random(1, #item.variants)]
      end
      table.insert(fields, field .. "=" .. math.random(1, 3))
      table.insert(fields, "p_" .. item.id .. "=" .. item.price)
    end
  end
  local email = string.format("bench-%d-%d-%d@example.org", thread_id, counter, math.random(1, 1000000000))
  local body = table.concat(fields, "&") .. "&pickup_point=" .. points[math.random(1, #points)]
    .. "&email=" .. email .. "&" .. fixed
  local ip = string.format("%d.%d.%d.%d", math.random(11, 200), math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
    ["X-Forwarded-For"] = ip,
  }, body)
end

-- A field error beside a quantity that says the item is sold out or how many are left.
local function says_sold_out(body)
  for message in string.gmatch(body, 'class="error" role="alert">([^<]*)<') do
    if message:find("sold out", 1, true) or message:find(" left", 1, true) then
      return true
    end
  end
  return false
end

function response(status, headers, body)
  if status == 302 or status == 303 then
    local location = headers["Location"] or headers["location"] or ""
    if location:find("/ordered/", 1, true) then
      accepted = accepted + 1
    else
      other_redirect = other_redirect + 1
    end
  elseif status == 409 then
    if says_sold_out(body) then
      sold_out_409 = sold_out_409 + 1
    else
      other_409 = other_409 + 1
    end
  elseif status == 400 then
    if says_sold_out(body) then
      sold_out_400 = sold_out_400 + 1
    else
      other_400 = other_400 + 1
      if first_other == "" then
        local said = {}
        for message in string.gmatch(body, 'role="alert">(.-)</') do
          table.insert(said, (message:gsub("<[^>]*>", "")))
        end
        first_other = table.concat(said, " | "):sub(1, 300)
        if first_other == "" then
          first_other = "(no message)"
        end
      end
    end
  elseif status >= 500 then
    server_errors = server_errors + 1
  else
    other_status = other_status + 1
  end
end

function done(summary, latency, requests)
  local totals = {
    accepted = 0, sold_out_409 = 0, sold_out_400 = 0, other_redirect = 0, other_409 = 0,
    other_400 = 0, other_status = 0, server_errors = 0,
  }
  local first = ""
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
    if first == "" then
      first = thread:get("first_other")
    end
  end
  io.write(string.format("RESULT completed=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("ANSWERS accepted=%d sold_out_409=%d sold_out_400=%d other_redirect=%d other_409=%d other_400=%d other_status=%d server_errors=%d\n",
    totals.accepted, totals.sold_out_409, totals.sold_out_400, totals.other_redirect,
    totals.other_409, totals.other_400, totals.other_status, totals.server_errors))
  if first ~= "" then
    io.write("FIRST_OTHER_400 " .. first:gsub("%s+", " ") .. "\n")
  end
end
