-- wrk script for every benchmark: method, body and cookie from the environment, and a
-- machine-readable summary line (wrk's own output has no p95).
--
-- It also counts what wrk does not: the requests sent (a request still in flight when wrk stops
-- is sent but never answered) and the responses that were the success page, WRK_OK_STATUS with,
-- when WRK_OK_LOCATION is set, a Location header containing it (plain text, not a pattern).
-- A POST counts only when it was answered by the success page; run.py then compares the rows
-- stored with the requests sent.
local method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
local cookie = os.getenv("WRK_COOKIE")
local ok_status = tonumber(os.getenv("WRK_OK_STATUS") or "200")
local ok_location = os.getenv("WRK_OK_LOCATION") or ""

wrk.method = method
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  answered = 0
  succeeded = 0
  prepared = wrk.format()
end

function request()
  sent = sent + 1
  return prepared
end

local function location_matches(headers)
  if ok_location == "" then
    return true
  end
  for name, value in pairs(headers) do
    if string.lower(name) == "location" then
      return string.find(value, ok_location, 1, true) ~= nil
    end
  end
  return false
end

function response(status, headers, body)
  answered = answered + 1
  if status == ok_status and location_matches(headers) then
    succeeded = succeeded + 1
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local total_sent, total_answered, total_succeeded = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_answered = total_answered + thread:get("answered")
    total_succeeded = total_succeeded + thread:get("succeeded")
  end
  -- wrk calls request() once on the first thread to check the script before it connects:
  -- that request is never sent.
  total_sent = total_sent - 1
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_ms": %.3f, "p95_ms": %.3f, ' ..
    '"p99_ms": %.3f, "errors": %d, "sent": %d, "answered": %d, "succeeded": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout,
    total_sent, total_answered, total_succeeded))
end
