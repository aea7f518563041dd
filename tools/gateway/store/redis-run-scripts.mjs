// The Lua scripts of the agent runs on Redis (redis-runs.mjs), part of
// redis-store.mjs's SCRIPTS (redis-scripts.mjs): claimed, appended to,
// renewed and ended each in one step, fenced by the claim's number, with
// Redis's clock.
//
// Run keys: R = nt:run:{key} (hash: p, st, ow, f, lease, c), E = its events
// (list), RZ = nt:runs (zset key -> created).

// KEYS R E RZ; ARGV key print owner leaseMs maxRuns ttlMs channel evictScan
// At the cap the oldest record no agent is running is deleted (looking at
// the evictScan oldest), so a flood of new ids pushes out old answers
// instead of refusing every shopper; 'full' only when all those are running.
// The evicted record's keys are named here, not in KEYS (runKeys' layout):
// one Redis, not a Cluster, as the index key RZ already assumes.
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = now + tonumber(ARGV[4])
if redis.call('EXISTS', KEYS[1]) == 1 then
  local m = redis.call('HMGET', KEYS[1], 'p', 'st', 'lease')
  if m[1] ~= ARGV[2] and m[2] ~= 'failed' then return {'conflict'} end
  if m[2] == 'done' then return {'replayed'} end
  if m[2] == 'running' and tonumber(m[3]) > now then return {'joined'} end
  local fence = redis.call('HINCRBY', KEYS[1], 'f', 1)
  redis.call('HSET', KEYS[1], 'p', ARGV[2], 'st', 'running', 'ow', ARGV[3], 'lease', lease)
  redis.call('PUBLISH', ARGV[7], ARGV[1])
  return {'takeover', fence, redis.call('LLEN', KEYS[2])}
end
-- Exclusive bound: an entry leaves the index when its key expires (Redis
-- expires a key once now > its deadline), never a millisecond before, so a
-- record counted out of the cap is gone too.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - tonumber(ARGV[6])))
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then
  local evicted = false
  for _, k in ipairs(redis.call('ZRANGE', KEYS[3], 0, tonumber(ARGV[8]) - 1)) do
    local rk = 'nt:run:{' .. k .. '}'
    local m = redis.call('HMGET', rk, 'st', 'lease')
    if not (m[1] == 'running' and tonumber(m[2]) > now) then
      redis.call('DEL', rk, rk .. ':ev')
      redis.call('ZREM', KEYS[3], k)
      evicted = true
      break
    end
  end
  if not evicted then return {'full'} end
end
redis.call('HSET', KEYS[1], 'p', ARGV[2], 'st', 'running', 'ow', ARGV[3], 'f', 1, 'lease', lease, 'c', now)
redis.call('PEXPIREAT', KEYS[1], now + tonumber(ARGV[6])) -- the same deadline the index uses
redis.call('ZADD', KEYS[3], now, ARGV[1])
return {'started', 1, 0}
`;

const RUN_PRELUDE = `
local function fenced()
  local m = redis.call('HMGET', KEYS[1], 'f', 'st')
  return m[1] == ARGV[1] and m[2] == 'running'
end
`;

// KEYS R E; ARGV fence index channel key eventJson... Events index..index+n-1
// of the run, in one call (group commit); those already in the list are
// skipped (a repeated write), a gap (index past the end) writes nothing.
const APPEND_RUN = `${RUN_PRELUDE}
if not fenced() then return 0 end
local n = redis.call('LLEN', KEYS[2])
local index = tonumber(ARGV[2])
if index > n then return 0 end
local pushed = 0
for j = 5, #ARGV do
  if index + (j - 5) >= n then
    redis.call('RPUSH', KEYS[2], ARGV[j])
    pushed = pushed + 1
  end
end
if pushed > 0 then
  redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
return 1
`;

// KEYS R; ARGV fence leaseMs
const RENEW_RUN = `${RUN_PRELUDE}
if not fenced() then return 0 end
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], 'lease', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2]))
return 1
`;

// KEYS R; ARGV fence state channel key
const END_RUN = `${RUN_PRELUDE}
if not fenced() then return 0 end
redis.call('HSET', KEYS[1], 'st', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;

// KEYS R E; ARGV from
const READ_RUN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local m = redis.call('HMGET', KEYS[1], 'st', 'lease')
local expired = 0
if m[1] == 'running' and tonumber(m[2]) <= now then expired = 1 end
return {m[1], expired, redis.call('LRANGE', KEYS[2], tonumber(ARGV[1]), -1)}
`;

export const RUN_SCRIPTS = Object.freeze({ CLAIM, APPEND_RUN, RENEW_RUN, END_RUN, READ_RUN });
