-- wrk script of bench/execute-load.sh's wrk phase (run by its driver): POSTs one fixed JSON body, BENCH_BODY, on every
-- request, with the headers given by -H, and counts the answers that are not 200 or lack the text BENCH_EXPECT;
-- done() prints that count ("wrong answers: N") and the first such answer.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.body = os.getenv("BENCH_BODY")
  expected = os.getenv("BENCH_EXPECT")
  wrong = 0
  example = ""
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, expected, 1, true) then
    wrong = wrong + 1
    if example == "" then
      example = status .. " " .. string.sub(body, 1, 300):gsub("\n", " ")
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  local first = ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("wrong")
    if first == "" then
      first = thread:get("example")
    end
  end
  io.write(string.format("wrong answers: %d\n", total))
  if first ~= "" then
    io.write("first wrong answer: " .. first .. "\n")
  end
end
