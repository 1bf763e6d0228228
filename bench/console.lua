-- wrk script of bench/console-pages.sh: GETs one console page with the session cookie given by -H, counts answers
-- that are not 200, and prints requests/s with p50, p95 and p99 latency in one line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrong = 0
end

function response(status, headers, body)
  if status ~= 200 then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("wrong")
  end
  io.write(string.format("%.0f req/s | p50 %.1f ms | p95 %.1f ms | p99 %.1f ms | not 200: %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, bad))
end
