-- wrk script: replays a file of request targets (one "/api/search?..." per
-- line, as `letopis_bench_load --print-targets` writes them), each wrk
-- thread round the list from its own starting point. A cross-check of
-- letopis_bench_load's numbers with an independent client:
--
--   letopis_bench_load --db INDEX --facets none --print-targets > targets.txt
--   wrk -t2 -c8 -d10s --latency -s bench/wrk_log.lua http://127.0.0.1:PORT -- targets.txt
--
-- wrk's own connections are keep-alive; every thread opens c/t of them.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local path = args[1] or "targets.txt"
  targets = {}
  for line in io.lines(path) do
    if #line > 0 then targets[#targets + 1] = line end
  end
  if #targets == 0 then error("no targets in " .. path) end
  -- Threads start a share of the list apart, as letopis_bench_load's do.
  local n = tonumber(wrk.thread:get("id")) or 0
  at = (n * 7919) % #targets
end

function request()
  at = at % #targets + 1
  return wrk.format("GET", targets[at])
end
