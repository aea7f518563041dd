// The photos shoppers uploaded, in the Redis store (the in-memory twin,
// with the rules, is memory-attachments.mjs). Keys, each kept runTtlMs:
//   nt:{<id>}:att:<attachment id>  hash: sha (of the bytes), meta (JSON), data (base64)
//   nt:{<id>}:atts                 hash: attachment id -> "<size>:<expires ms>" (the conversation's budget)
//   nt:attachments                 zset: "<id>\n<attachment id>\n<size>" by expiry (the store's budget)
//   nt:attachment-bytes            the sizes in nt:attachments, summed
// One script checks and writes, with Redis's clock, so two instances cannot
// both pass a budget with room for one.
const SAVE_ATTACHMENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sha = redis.call('HGET', KEYS[1], 'sha')
if sha then
  if sha == ARGV[2] then return {'existing', redis.call('HGET', KEYS[1], 'meta')} end
  return {'conflict'}
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('DECRBY', KEYS[4], tonumber(string.match(m, '(%d+)$')))
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local size = tonumber(ARGV[3])
local ttl = tonumber(ARGV[6])
local count, bytes = 0, 0
local held = redis.call('HGETALL', KEYS[2])
for i = 1, #held, 2 do
  local s, e = string.match(held[i + 1], '^(%d+):(%d+)$')
  if tonumber(e) <= now then redis.call('HDEL', KEYS[2], held[i])
  else count = count + 1; bytes = bytes + tonumber(s) end
end
if count >= tonumber(ARGV[7]) or bytes + size > tonumber(ARGV[8]) then return {'conversation_full'} end
local total = tonumber(redis.call('GET', KEYS[4]) or '0')
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[9]) or total + size > tonumber(ARGV[10]) then return {'full'} end
redis.call('HSET', KEYS[1], 'sha', ARGV[2], 'meta', ARGV[4], 'data', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('HSET', KEYS[2], ARGV[1], size .. ':' .. (now + ttl))
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[3], now + ttl, ARGV[11])
redis.call('INCRBY', KEYS[4], size)
return {'stored', ARGV[4]}
`;

export const ATTACHMENT_SCRIPTS = Object.freeze({ SAVE_ATTACHMENT });

const itemKey = (id, attachmentId) => `nt:{${id}}:att:${attachmentId}`;

export class RedisAttachments {
  #client;
  #run;
  #limits;

  constructor({ client, run, limits }) {
    this.#client = client;
    this.#run = run;
    this.#limits = limits;
  }

  async saveAttachment(id, meta, bytes) {
    const l = this.#limits;
    const [outcome, metaText] = await this.#run('SAVE_ATTACHMENT',
      [itemKey(id, meta.id), `nt:{${id}}:atts`, 'nt:attachments', 'nt:attachment-bytes'],
      [meta.id, meta.sha256, bytes.length, JSON.stringify(meta), Buffer.from(bytes).toString('base64'), l.runTtlMs,
        l.attachmentsPerConversation, l.attachmentBytesPerConversation, l.attachmentsTotal, l.attachmentBytesTotal,
        `${id}\n${meta.id}\n${bytes.length}`]);
    return metaText ? { outcome, meta: JSON.parse(metaText) } : { outcome };
  }

  async readAttachment(id, attachmentId) {
    const [metaText, data] = await this.#client.hmGet(itemKey(id, attachmentId), ['meta', 'data']);
    if (!metaText || !data) return null;
    return { meta: JSON.parse(metaText), bytes: Buffer.from(data, 'base64') };
  }

  async attachmentMetas(id, attachmentIds) {
    if (attachmentIds.length === 0) return [];
    const multi = this.#client.multi();
    for (const a of attachmentIds) multi.hGet(itemKey(id, a), 'meta');
    return (await multi.exec()).map((text) => (text ? JSON.parse(text) : null));
  }
}
