// The Lua scripts of redis-store.mjs. Each runs atomically inside Redis, so
// a check and the write it guards (generation, fence, cursor, caps) can
// never be split by another instance: the fencing is done by the storage
// itself, not by a lease each instance must honour. Times come from
// Redis's TIME, one clock for every instance.
//
// Session keys (one hash tag per session, so a session's keys share a
// Cluster slot): S = nt:{id}:s (hash: tok, ptok = sha1 of the current and
// previous resume token, gen, tab, inst, conn, seq, first, cur, e), L = log
// (list of event frames), A = acked (hash id -> fingerprint), O = acked ids
// in order (list), T = pending turns (list), V = voice calls (hash call id ->
// counters), W = their ids in order (list). Z = nt:sessions (zset id -> expiry, for the count cap).
// The agent runs' scripts: redis-run-scripts.mjs.

import { RUN_SCRIPTS } from './redis-run-scripts.mjs';

const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function expire_all(ms)
  for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ms) end
  for i = 7, 8 do if KEYS[i] then redis.call('PEXPIRE', KEYS[i], ms) end end
end
-- The data's epoch (KEYS[9]), minted from ARGV's candidate when missing: a
-- session is stamped with, and resumed against, the epoch Redis holds now,
-- never an instance's remembered one (which lags a data loss by a tick).
local function data_epoch(candidate)
  redis.call('SET', KEYS[9], candidate, 'NX')
  return redis.call('GET', KEYS[9])
end
local function follow_ttl(key)
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
end
local function check_gen(gen)
  if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
  if redis.call('HGET', KEYS[1], 'gen') ~= gen then return 'stale' end
  return nil
end
-- Numbers one event in S (KEYS[1]) and appends it to the log L (KEYS[2]).
-- tail: the frame's JSON after its opening brace, without seq.
local function push_frame(tail)
  local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  local frame = '{"type":"event","seq":' .. seq .. ',' .. tail
  redis.call('RPUSH', KEYS[2], frame)
  return frame
end
-- After pushes: the log drops its oldest frames past maxEvents (S's
-- 'first' follows) and lives as long as the session.
local function trim_log(maxEvents)
  local over = redis.call('LLEN', KEYS[2]) - maxEvents
  if over > 0 then
    redis.call('LTRIM', KEYS[2], over, -1)
    redis.call('HINCRBY', KEYS[1], 'first', over)
  end
  follow_ttl(KEYS[2])
end
`;

// KEYS S L A O T Z V W EP; ARGV id tab inst token epoch ttl maxSessions ifAbsent
const CREATE = `${PRELUDE}
local now = now_ms()
local epoch = data_epoch(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now)
local exists = redis.call('EXISTS', KEYS[1]) == 1
if exists and ARGV[8] == '1' then return cjson.encode({held = true}) end
if not exists and redis.call('ZCARD', KEYS[6]) >= tonumber(ARGV[7]) then return cjson.encode({full = true}) end
local prev = false
local gen = 0
if exists then
  local old = redis.call('HMGET', KEYS[1], 'conn', 'tab', 'inst', 'gen', 'ln')
  if old[1] == '1' then prev = {tabId = old[2], instance = old[3], line = old[5] or 'first'} end
  gen = tonumber(old[4]) or 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[7], KEYS[8])
gen = gen + 1
redis.call('HSET', KEYS[1], 'tok', redis.sha1hex(ARGV[4]), 'ptok', '', 'dtok', '', 'dptok', '', 'ln', 'first',
  'gen', gen, 'tab', ARGV[2], 'inst', ARGV[3], 'conn', '1', 'seq', 0, 'first', 1, 'cur', 0, 'e', epoch)
expire_all(tonumber(ARGV[6]))
redis.call('ZADD', KEYS[6], now + tonumber(ARGV[6]), ARGV[1])
return cjson.encode({token = ARGV[4], gen = gen, seq = 0, prev = prev, epoch = epoch})
`;

// KEYS S L A O T Z V W EP; ARGV id tab inst token epoch ttl rotate newToken revoke
// Two token lines prove a session: the first device's (tok, ptok) and the
// second device's (dtok, dptok, made by REDEEM_CONTINUE). `revoke` from the
// first line voids the second in the same step.
const RESUME = `${PRELUDE}
local epoch = data_epoch(ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 0 or ARGV[4] == '' then return cjson.encode({epoch = epoch}) end
local m = redis.call('HMGET', KEYS[1], 'tok', 'ptok', 'e', 'conn', 'tab', 'inst', 'dtok', 'dptok', 'ln')
local h = redis.sha1hex(ARGV[4])
if m[3] ~= epoch then return cjson.encode({epoch = epoch}) end
local line, cur, old, held = false, 'tok', 'ptok', m[1]
if h == m[1] or h == m[2] then line = 'first'
elseif m[7] and m[7] ~= '' and (h == m[7] or h == m[8]) then line, cur, old, held = 'second', 'dtok', 'dptok', m[7] end
if not line then return cjson.encode({epoch = epoch}) end
local prev = false
if m[4] == '1' then prev = {tabId = m[5], instance = m[6], line = m[9] or 'first'} end
local token = ARGV[4]
if ARGV[7] == '1' then
  token = ARGV[8]
  redis.call('HSET', KEYS[1], old, held, cur, redis.sha1hex(token))
end
local revoked = false
if ARGV[9] == '1' and line == 'first' and m[7] and m[7] ~= '' then
  redis.call('HSET', KEYS[1], 'dtok', '', 'dptok', '')
  revoked = true
end
local gen = redis.call('HINCRBY', KEYS[1], 'gen', 1)
redis.call('HSET', KEYS[1], 'tab', ARGV[2], 'inst', ARGV[3], 'conn', '1', 'ln', line)
expire_all(tonumber(ARGV[6]))
redis.call('ZADD', KEYS[6], now_ms() + tonumber(ARGV[6]), ARGV[1])
return cjson.encode({token = token, gen = gen, seq = tonumber(redis.call('HGET', KEYS[1], 'seq')),
  acked = redis.call('LRANGE', KEYS[4], 0, -1), prev = prev, line = line, revoked = revoked, epoch = epoch})
`;

// KEYS S L A O T Z V W; ARGV id gen ttl connected(1|0)
const TOUCH = `${PRELUDE}
local bad = check_gen(ARGV[2])
if bad then return bad end
if ARGV[4] == '0' then redis.call('HSET', KEYS[1], 'conn', '0')
elseif redis.call('HGET', KEYS[1], 'conn') ~= '1' then return 'ok' end -- a heartbeat never revives a detached session
expire_all(tonumber(ARGV[3]))
redis.call('ZADD', KEYS[6], now_ms() + tonumber(ARGV[3]), ARGV[1])
return 'ok'
`;

// KEYS S L; ARGV seq
const EVENTS_AFTER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local m = redis.call('HMGET', KEYS[1], 'seq', 'first')
local after, top, first = tonumber(ARGV[1]), tonumber(m[1]), tonumber(m[2])
if after >= top then return {} end
if after + 1 < first then return false end
return redis.call('LRANGE', KEYS[2], after + 1 - first, -1)
`;

// KEYS S L A O T; ARGV gen messageId print turnJson maxTurns maxAcked
const ACCEPT = `${PRELUDE}
local bad = check_gen(ARGV[1])
if bad then return bad end
local known = redis.call('HGET', KEYS[3], ARGV[2])
if known then
  if known == ARGV[3] then return 'known' end
  return 'conflict'
end
if redis.call('LLEN', KEYS[5]) >= tonumber(ARGV[5]) then return 'turns_full' end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('RPUSH', KEYS[4], ARGV[2])
while redis.call('LLEN', KEYS[4]) > tonumber(ARGV[6]) do
  redis.call('HDEL', KEYS[3], redis.call('LPOP', KEYS[4]))
end
redis.call('RPUSH', KEYS[5], ARGV[4])
for i = 2, 5 do follow_ttl(KEYS[i]) end
return 'accepted'
`;

// KEYS S T
const HEAD_TURN = `
local turn = redis.call('LINDEX', KEYS[2], 0)
if not turn then return false end
return {turn, redis.call('HGET', KEYS[1], 'cur')}
`;

// KEYS S L A O T; ARGV gen messageId cursor maxEvents frameTail...
// frameTail: a frame's JSON after its opening brace, without seq. Several
// events of the head turn in one call (group commit, reply-run.mjs): each
// numbered in order; all or none (the checks come first).
const EMIT = `${PRELUDE}
local bad = check_gen(ARGV[1])
if bad then return 'stale' end
if redis.call('HGET', KEYS[1], 'ctl') == 'person' then return 'held' end -- taken over: no AI event after the control event
local head = redis.call('LINDEX', KEYS[5], 0)
if not head or cjson.decode(head).message_id ~= ARGV[2] or redis.call('HGET', KEYS[1], 'cur') ~= ARGV[3] then
  return 'skip'
end
local frames = {}
for j = 5, #ARGV do frames[#frames + 1] = push_frame(ARGV[j]) end
redis.call('HINCRBY', KEYS[1], 'cur', #frames)
trim_log(tonumber(ARGV[4]))
return frames
`;

// KEYS S L; ARGV tail maxEvents. An event outside the turn queue (a voice
// call's live transcript): numbered and logged while the session is held,
// whatever its generation (the call's connection may just have gone).
const APPEND_EVENT = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local frame = push_frame(ARGV[1])
trim_log(tonumber(ARGV[2]))
return frame
`;

// Who controls the conversation: S fields ctl, ctlby, ctlat (absent: ai);
// WQ = nt:waiting (zset id -> since, the queue), SL = nt:{id}:staff (the
// staff-only record, a list), SI = nt:{id}:staffids (hash staff message id -> print).
const CONTROL_PRELUDE = `
local function log_frame(replyTo, event, dataJson, maxEvents)
  local frame = push_frame('"reply_to":' .. cjson.encode(replyTo) .. ',"event":"' .. event .. '","data":' .. dataJson .. '}')
  trim_log(maxEvents)
  return frame
end
local function staff_entry(key, entry, max)
  redis.call('RPUSH', key, entry)
  redis.call('LTRIM', key, -max, -1)
  follow_ttl(key)
end
`;

// The estimated wait (control/wait-estimate.mjs waitSeconds): ARGV perPlace
// is the median time one place took, computed by the caller from PK.
const WAIT_PRELUDE = `
local function wait_s(position, perPlace)
  if position < 1 or perPlace <= 0 then return nil end
  return math.min(86400, math.ceil(position * perPlace / 60000) * 60)
end
`;

// KEYS S L WQ SL PK; ARGV id event name tableJson maxEvents entryJson('' none)
// maxEntries perPlaceMs maxPickups. S also keeps ctlpos (the place when the
// conversation started waiting) and ctltold (the place it was last told);
// PK = nt:pickups (list of {at, per_place_ms}, newest first).
const CONTROL = `${PRELUDE}${CONTROL_PRELUDE}${WAIT_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return cjson.encode({code = 'gone'}) end
local from = redis.call('HGET', KEYS[1], 'ctl') or 'ai'
local edges = cjson.decode(ARGV[4])[from]
local to = edges and edges[ARGV[2]]
if not to then return cjson.encode({code = 'illegal', from = from}) end
local now = now_ms()
if from == 'waiting' and to == 'person' then
  local since = tonumber(redis.call('HGET', KEYS[1], 'ctlat') or now)
  local place = math.max(1, tonumber(redis.call('HGET', KEYS[1], 'ctlpos') or 1))
  redis.call('LPUSH', KEYS[5], cjson.encode({at = now, per_place_ms = math.max(0, now - since) / place}))
  redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[9]) - 1)
end
redis.call('HSET', KEYS[1], 'ctl', to, 'ctlby', ARGV[3], 'ctlat', now)
local data = {state = to}
if ARGV[3] ~= '' then data.by = {name = ARGV[3]} end
if to == 'waiting' then
  redis.call('ZADD', KEYS[3], now, ARGV[1])
  data.position = redis.call('ZRANK', KEYS[3], ARGV[1]) + 1
  data.wait_s = wait_s(data.position, tonumber(ARGV[8]))
  redis.call('HSET', KEYS[1], 'ctlpos', data.position, 'ctltold', data.position)
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
local frame = log_frame('control', 'control', cjson.encode(data), tonumber(ARGV[5]))
if ARGV[6] ~= '' then staff_entry(KEYS[4], ARGV[6], tonumber(ARGV[7])) end
return cjson.encode({ok = true, from = from, since = now, position = data.position or false, wait_s = data.wait_s or false, frame = frame})
`;

// KEYS S L WQ; ARGV id perPlaceMs maxEvents. After the queue moved: tells a
// conversation still waiting its new place, when that changed (a `control`
// event repeating `waiting`). Checked and written in one step, so a
// conversation taken meanwhile never gets a stale `waiting` after its `person`.
const QUEUE_PLACE = `${PRELUDE}${CONTROL_PRELUDE}${WAIT_PRELUDE}
if redis.call('HGET', KEYS[1], 'ctl') ~= 'waiting' then return false end
local rank = redis.call('ZRANK', KEYS[3], ARGV[1])
if not rank then return false end
local position = rank + 1
if tonumber(redis.call('HGET', KEYS[1], 'ctltold') or 0) == position then return false end
redis.call('HSET', KEYS[1], 'ctltold', position)
local data = {state = 'waiting', position = position, wait_s = wait_s(position, tonumber(ARGV[2]))}
log_frame('control', 'control', cjson.encode(data), tonumber(ARGV[3]))
return 1
`;

// KEYS S L A O T SL; ARGV gen messageId entryJson maxEntries maxEvents
const HOLD_TURN = `${PRELUDE}${CONTROL_PRELUDE}
local bad = check_gen(ARGV[1])
if bad then return bad end
local ctl = redis.call('HGET', KEYS[1], 'ctl')
if not ctl or ctl == 'ai' then return 'ai' end
local head = redis.call('LINDEX', KEYS[5], 0)
if not head or cjson.decode(head).message_id ~= ARGV[2] then return 'skip' end
redis.call('LPOP', KEYS[5])
redis.call('HSET', KEYS[1], 'cur', 0)
staff_entry(KEYS[6], ARGV[3], tonumber(ARGV[4]))
log_frame(ARGV[2], 'held', '{}', tonumber(ARGV[5]))
return 'held'
`;

// KEYS S L SI SL; ARGV messageId print maxEvents entryJson maxEntries replyTo (event dataJson)...
const STAFF_REPLY = `${PRELUDE}${CONTROL_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local known = redis.call('HGET', KEYS[3], ARGV[1])
if known then
  if known == ARGV[2] then return 'known' end
  return 'conflict'
end
if redis.call('HGET', KEYS[1], 'ctl') ~= 'person' then return 'not_in_control' end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
follow_ttl(KEYS[3])
local frames = {}
for j = 7, #ARGV, 2 do frames[#frames + 1] = log_frame(ARGV[6], ARGV[j], ARGV[j + 1], tonumber(ARGV[3])) end
staff_entry(KEYS[4], ARGV[4], tonumber(ARGV[5]))
return frames
`;

// KEYS S SL; ARGV entryJson maxEntries
const STAFF_ENTRY = `${PRELUDE}${CONTROL_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
staff_entry(KEYS[2], ARGV[1], tonumber(ARGV[2]))
return 1
`;

// KEYS S SI SL; ARGV key entryJson maxEntries: the shopper's email, once per id.
const EMAIL_ONCE = `${PRELUDE}${CONTROL_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if redis.call('HSETNX', KEYS[2], ARGV[1], '') == 0 then return 'known' end
follow_ttl(KEYS[2])
staff_entry(KEYS[3], ARGV[2], tonumber(ARGV[3]))
return 'saved'
`;

// KEYS S L O; ARGV name maxEvents: a read event through the last acked message, if new.
const MARK_READ = `${PRELUDE}${CONTROL_PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local last = redis.call('LINDEX', KEYS[3], -1)
if not last or redis.call('HGET', KEYS[1], 'rd') == last then return 'none' end
redis.call('HSET', KEYS[1], 'rd', last)
return log_frame('read', 'read', cjson.encode({through = last, by = {name = ARGV[1]}}), tonumber(ARGV[2]))
`;

// KEYS S T; ARGV gen messageId
const FINISH_TURN = `
if redis.call('HGET', KEYS[1], 'gen') ~= ARGV[1] then return 0 end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head or cjson.decode(head).message_id ~= ARGV[2] then return 0 end
redis.call('LPOP', KEYS[2])
redis.call('HSET', KEYS[1], 'cur', 0)
return 1
`;

// KEYS S V W; ARGV callId recordJson maxCalls
const SAVE_VOICE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('LREM', KEYS[3], 0, ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
while redis.call('LLEN', KEYS[3]) > tonumber(ARGV[3]) do
  redis.call('HDEL', KEYS[2], redis.call('LPOP', KEYS[3]))
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return 1
`;

export const SCRIPTS = Object.freeze({
  CREATE, RESUME, TOUCH, EVENTS_AFTER, ACCEPT, HEAD_TURN, EMIT, APPEND_EVENT, FINISH_TURN, SAVE_VOICE,
  ...RUN_SCRIPTS, CONTROL, QUEUE_PLACE, HOLD_TURN, STAFF_REPLY, STAFF_ENTRY, EMAIL_ONCE, MARK_READ,
});
