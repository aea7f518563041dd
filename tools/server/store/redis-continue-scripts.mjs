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

// KEYS S K C; ARGV id codeHash secretHash ttlMs graceMs
const MINT_CONTINUE = `${NOW}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local keep = tonumber(ARGV[4]) + tonumber(ARGV[5])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'code', ARGV[2], 'exp', now + tonumber(ARGV[4]), 'used', '0')
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

// KEYS M (nt:contmiss:<client>); ARGV windowMs -> the misses in this window.
const COUNT_CONTINUE_MISS = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
return n
`;

export const CONTINUE_SCRIPTS = Object.freeze({ MINT_CONTINUE, REDEEM_CONTINUE, COUNT_CONTINUE_MISS });
