// The Lua scripts of the continue links on Redis (../continue/continue-links.mjs):
// minting and redeeming each in one step, with Redis's clock. Keys: S =
// the session's hash (redis-scripts.mjs), K = nt:cont:<sha256 of the secret>
// (hash: id, code, exp, used), C = nt:contcode:<sha256 of the typed code>
// (-> the secret's hash). Both are kept until expiry + grace, so a late or
// second redeem is told "expired" or "used", not "unknown".

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// KEYS S K C L R; ARGV id codeHash secretHash ttlMs graceMs maxLive
// maxOffers offerWindowMs savedJson ('' for none) -> 0 (not held) | 1 |
// {'rate_limited', ms left in the window}. L = nt:contlive:<id> (the
// session's links, oldest first), R = nt:contrate:<id> (mints this window).
// Past maxLive redeemable links the oldest is retired (expired now, its
// saved products dropped). Older links' keys are nt:cont:<hash>, the same
// prefix as K (a single Redis: they are not declared in KEYS).
const MINT_CONTINUE = `${NOW}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local offers = redis.call('INCR', KEYS[5])
if offers == 1 then redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[8])) end
if offers > tonumber(ARGV[7]) then return {'rate_limited', redis.call('PTTL', KEYS[5])} end
local keep = tonumber(ARGV[4]) + tonumber(ARGV[5])
local live = {}
for _, hash in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
  local f = redis.call('HMGET', 'nt:cont:' .. hash, 'exp', 'used')
  if f[1] and f[2] == '0' and tonumber(f[1]) > now then table.insert(live, hash) end
end
while #live >= tonumber(ARGV[6]) do
  local oldest = 'nt:cont:' .. table.remove(live, 1)
  redis.call('HSET', oldest, 'exp', now)
  redis.call('HDEL', oldest, 'saved')
end
table.insert(live, ARGV[3])
redis.call('DEL', KEYS[4])
redis.call('RPUSH', KEYS[4], unpack(live))
redis.call('PEXPIRE', KEYS[4], keep)
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'code', ARGV[2], 'exp', now + tonumber(ARGV[4]), 'used', '0')
if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'saved', ARGV[9]) end
redis.call('PEXPIRE', KEYS[2], keep)
redis.call('SET', KEYS[3], ARGV[3], 'PX', keep)
return 1
`;

// KEYS K S; ARGV id newToken -> 'unknown' | 'used' | 'expired' | 'gone' | {'ok', seq}.
// The new token becomes the session's second-device line (replacing any
// earlier one); the link is spent in the same step.
const REDEEM_CONTINUE = `${NOW}
local link = redis.call('HMGET', KEYS[1], 'id', 'exp', 'used')
if not link[1] or link[1] ~= ARGV[1] then return 'unknown' end
if link[3] == '1' then return 'used' end
if tonumber(link[2]) <= now then return 'expired' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'gone' end
redis.call('HSET', KEYS[1], 'used', '1')
redis.call('HSET', KEYS[2], 'dtok', redis.sha1hex(ARGV[2]), 'dptok', '')
return {'ok', redis.call('HGET', KEYS[2], 'seq')}
`;

// KEYS M (nt:contmiss:<client>); ARGV max windowMs -> {1, 0} (an attempt
// taken) or {0, ms left in the window} (max already taken). The check and
// the count in one step: concurrent guesses cannot all pass the check.
const TAKE_CONTINUE_ATTEMPT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return {0, redis.call('PTTL', KEYS[1])} end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return {1, 0}
`;

// KEYS M: one attempt given back (the code was a real one), within the window only.
const REFUND_CONTINUE_ATTEMPT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 1
`;

export const CONTINUE_SCRIPTS = Object.freeze({ MINT_CONTINUE, REDEEM_CONTINUE, TAKE_CONTINUE_ATTEMPT, REFUND_CONTINUE_ATTEMPT });
