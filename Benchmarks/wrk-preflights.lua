-- wrk script: sends a scenario's preflights, rotating through its requests.
--
-- The requests come from `preflight-bench scenarios --requests NAME --count N`
-- (JSON Lines: {"origin", "method", "headers"}), given after `--`:
--
--   preflight-bench scenarios --requests realistic --count 100000 > requests.jsonl
--   wrk -t1 -c16 -d5s -s Benchmarks/wrk-preflights.lua http://127.0.0.1:8080/ -- requests.jsonl
--
-- Every request is pre-rendered once per thread (wrk gives each thread its own
-- Lua state), so request() costs a table index, as close to wrk's floor as a
-- rotating script gets. Each thread starts at a different offset, as `load`'s
-- connections do.

local requests = {}
local n = 0
local i = 0

-- Decodes one JSON string body (the text between the quotes).
local function unescape(s)
  s = s:gsub("\\u(%x%x%x%x)", function(h)
    local c = tonumber(h, 16)
    if c < 128 then return string.char(c) end
    if c < 2048 then return string.char(192 + math.floor(c / 64), 128 + c % 64) end
    return string.char(224 + math.floor(c / 4096), 128 + math.floor(c / 64) % 64, 128 + c % 64)
  end)
  local map = { n = "\n", r = "\r", t = "\t", b = "\b", f = "\f", ["/"] = "/", ['"'] = '"', ["\\"] = "\\" }
  return (s:gsub("\\(.)", function(c) return map[c] or c end))
end

-- The value of "key" in one line as written by `scenarios --requests`, or nil.
local function field(line, key)
  local start = line:find('"' .. key .. '": "', 1, true)
  if not start then return nil end
  local j = start + #key + 5
  local k = j
  while k <= #line do
    local c = line:sub(k, k)
    if c == "\\" then k = k + 2
    elseif c == '"' then return unescape(line:sub(j, k - 1))
    else k = k + 1 end
  end
  return nil
end

local thread_index = 0
function setup(thread)
  thread:set("offset", thread_index)
  thread_index = thread_index + 1
end

function init(args)
  local path = args[1]
  if not path then error("give the requests file after --: wrk ... -s wrk-preflights.lua URL -- requests.jsonl") end
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    local origin, method = field(line, "origin"), field(line, "method")
    if origin and method then
      local headers = { ["Origin"] = origin, ["Access-Control-Request-Method"] = method }
      local list = field(line, "headers")
      if list then headers["Access-Control-Request-Headers"] = list end
      n = n + 1
      requests[n] = wrk.format("OPTIONS", nil, headers)
    end
  end
  file:close()
  if n == 0 then error(path .. ": no requests found") end
  i = ((offset or 0) * 7919) % n
end

function request()
  i = i % n + 1
  return requests[i]
end
