-- wrk script: each wrk thread adds versions to its own prompt, one request at a time (run with -c equal to -t),
-- tracking the prompt's version so every request carries the right baseVersion and none conflicts.
-- Prompt ids come as arguments: wrk ... -s bench/versions.lua URL -- id1 id2 ...
local threads = {}
local counter = 1

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  prompt = args[index]
  base = 1
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
end

function request()
  local body = string.format(
    '{"baseVersion": %d, "template": {"format": "chat", "messages": [{"role": "system", "content": "v%d for {{product}}"}, {"role": "user", "content": "{{ticket}}"}]}}',
    base, base + 1)
  return wrk.format(nil, "/api/v1/prompts/" .. prompt .. "/versions", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    base = base + 1
  end
end
