-- wrk script: OFREP bulk evaluation (POST /ofrep/v1/evaluate/flags), round-robin over request bodies.
--   CONTEXTS_FILE  one request body per line: {"context":{...}}   (required)
--   KEYS_FILE      client keys, one per line, or
--   CLIENT_KEY     a single client key
--   TRACEPARENT    set (to anything): every request carries a W3C traceparent of its own (sampled), as
--                  a traced client sends (bench/tracing-bench.sh)
-- Every request is formatted once in init(), so wrk's Lua spends almost nothing per request: wrk
-- shares the node's two cores, and building requests per call would take CPU from the node being
-- measured (wrk's plain GET, used for /health/live, formats its one request once too).
-- Each wrk thread starts at a different offset so threads do not send the same sequence.

local function lines(path)
  local t = {}
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  for line in f:lines() do
    if line ~= "" then t[#t + 1] = line end
  end
  f:close()
  return t
end

local requests
local i = 0
local thread_id = 0

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  local bodies = lines(assert(os.getenv("CONTEXTS_FILE"), "set CONTEXTS_FILE"))
  local keys
  if os.getenv("KEYS_FILE") then
    keys = lines(os.getenv("KEYS_FILE"))
  else
    -- (parentheses: assert returns its message too, which would become a second "key")
    keys = { (assert(os.getenv("CLIENT_KEY"), "set KEYS_FILE or CLIENT_KEY")) }
  end
  local offset = (tid or 0) * 7919
  local koffset = (tid or 0) * 31
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  -- One request per body, the keys on their own cycle (every key is used when there are no more
  -- keys than bodies, as in node-bench.sh: 1,000 bodies, 1 or 100 keys).
  requests = {}
  for j = 1, #bodies do
    wrk.headers["Authorization"] = "Bearer " .. keys[(koffset + j - 1) % #keys + 1]
    if os.getenv("TRACEPARENT") then
      wrk.headers["traceparent"] = string.format("00-%016x%016x-%016x-01", (tid or 0) + 1, j, j)
    end
    requests[j] = wrk.format(nil, "/ofrep/v1/evaluate/flags", nil, bodies[(offset + j - 1) % #bodies + 1])
  end
end

function request()
  i = i % #requests + 1
  return requests[i]
end
