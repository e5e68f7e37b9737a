-- wrk script: OFREP bulk evaluation (POST /ofrep/v1/evaluate/flags), round-robin over request bodies.
--   CONTEXTS_FILE  one request body per line: {"context":{...}}   (required)
--   KEYS_FILE      client keys, one per line (round-robin on its own cycle), or
--   CLIENT_KEY     a single client key
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

local bodies, keys
local i, k = 0, 0
local thread_id = 0

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  bodies = lines(assert(os.getenv("CONTEXTS_FILE"), "set CONTEXTS_FILE"))
  if os.getenv("KEYS_FILE") then
    keys = lines(os.getenv("KEYS_FILE"))
  else
    -- (parentheses: assert returns its message too, which would become a second "key")
    keys = { (assert(os.getenv("CLIENT_KEY"), "set KEYS_FILE or CLIENT_KEY")) }
  end
  i = ((tid or 0) * 7919) % #bodies
  k = ((tid or 0) * 31) % #keys
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i % #bodies + 1
  k = k % #keys + 1
  wrk.headers["Authorization"] = "Bearer " .. keys[k]
  return wrk.format(nil, "/ofrep/v1/evaluate/flags", nil, bodies[i])
end
