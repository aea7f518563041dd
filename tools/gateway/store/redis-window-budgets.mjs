// The per-client window budgets (http/chat-budget.mjs) kept in Redis, so
// that a client gets its budget once across all instances, not once per
// instance. A budget's window is counted under
//   nt:budget:<scope>   a count, or a set of the distinct requests (a retry
//                       counts once)
// which lives one window from the request that opened it (as the in-memory
// budget's window, so a burst is never split across two windows). One script
// checks and counts, so two instances cannot both pass a budget with room
// for one.
const TAKE_WINDOW = `
local limit = tonumber(ARGV[2])
local held
if ARGV[3] == 'count' then held = tonumber(redis.call('GET', KEYS[1]) or '0')
elseif redis.call('SISMEMBER', KEYS[1], ARGV[4]) == 1 then return 0
else held = redis.call('SCARD', KEYS[1]) end
if held >= limit then
  return math.max(1, math.ceil(redis.call('PTTL', KEYS[1]) / 1000))
end
if ARGV[3] == 'count' then redis.call('INCR', KEYS[1]) else redis.call('SADD', KEYS[1], ARGV[4]) end
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
return 0
`;

export const WINDOW_BUDGET_SCRIPTS = Object.freeze({ TAKE_WINDOW });

export class RedisWindowBudgets {
  #run;

  constructor({ run }) {
    this.#run = run;
  }

  // Counts one request in `scope`'s current window, `request` naming it when
  // a repeat must count once (null: every call counts). Resolves 0 (counted)
  // or the seconds until the window ends (refused, nothing counted).
  async takeWindow(scope, { limit, windowMs, request = null }) {
    const args = request === null ? [windowMs, limit, 'count'] : [windowMs, limit, 'distinct', request];
    return Number(await this.#run('TAKE_WINDOW', [`nt:budget:${scope}`], args));
  }
}
