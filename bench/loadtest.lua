-- wrk script for `make loadtest` (bench/loadtest.sh): rotates over public pages.
-- The paths come from the file named by LOADTEST_PATHS (one a line; the shell script writes
-- it from the database), so detail pages of real items are requested too. Each thread
-- starts at a different place in the list. At the end, one JSON line with the figures.

local paths = {}
local file = assert(io.open(os.getenv("LOADTEST_PATHS") or "bench/paths.txt", "r"))
for line in file:lines() do
  if line ~= "" then paths[#paths + 1] = line end
end
file:close()
assert(#paths > 0, "no paths to request")

local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7)
  threads[#threads + 1] = thread
end

function request()
  counter = counter + 1
  local path = paths[((counter + (offset or 0)) % #paths) + 1]
  return wrk.format("GET", path, { ["Accept-Language"] = "en" })
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "non_2xx_3xx": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "paths": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout, #paths))
end
