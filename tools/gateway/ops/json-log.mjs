// The gateway's log as JSON lines (pino), for a log shipper: one object per
// line with time, level, instance, component, msg and, when the line is
// about one request or session, `id`: its first 8 characters. The gateway's
// components keep writing their plain lines (`[server] POST /api/chat 200
// key=3f0c1a9e 12ms`); this turns each into an object without changing
// what it says, minus what must not reach a log store: a whole id (cut to
// 8 characters), quoted text (shopper words, a handoff reason), an email
// address, a URL's query string. docs/operating.md, "Logs".
import pino from 'pino';

const TAG = /^\[([a-z-]+)\] /;
const EMAIL = /[^\s@"'<>()[\]]+@[^\s@"'<>()[\]]+\.[A-Za-z]{2,}/g;
const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const QUERY = /(\/[^\s?]*)\?\S*/g;
// A random id: 16+ id characters with a digit, a capital or an underscore
// (the words and paths of the gateway's own lines are lowercase).
const LONG_ID = /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[0-9A-Z_])([A-Za-z0-9_-]{8})[A-Za-z0-9_-]{8,}(?![A-Za-z0-9_-])/g;
const ID_FIELD = /\b(?:key|session)=([A-Za-z0-9_-]{1,8})/;
const REQUEST_LINE = /^[A-Z]+ \S+ (\d{3}|reset)\b/;

// What a line may keep (see above).
export function scrub(text) {
  return text.replace(QUERY, '$1?…').replace(EMAIL, '[email]').replace(QUOTED, '[text]').replace(LONG_ID, '$1…');
}

function levelOf(msg) {
  const request = REQUEST_LINE.exec(msg);
  if (request) {
    const status = Number(request[1]);
    return status >= 500 ? 'error' : 'info'; // 4xx is the client's doing; /metrics counts it by code
  }
  if (/\b(failed|unreachable|lost|error)\b|^redis:/i.test(msg)) return 'error';
  if (/\b(refused|closing|ended|retrying|dropped)\b/.test(msg)) return 'warn';
  return 'info';
}

// Returns log(line) for startServer's components. `write(jsonLine)` takes
// each finished line (default: stdout).
export function createJsonLog({ instance, write = null } = {}) {
  const stream = write ? { write: (line) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : pino.destination({ sync: true });
  const logger = pino({
    base: { instance },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, stream);
  return function log(line) {
    const text = String(line);
    const tag = TAG.exec(text);
    const msg = scrub(tag ? text.slice(tag[0].length) : text);
    const id = ID_FIELD.exec(msg)?.[1];
    logger[levelOf(msg)]({ component: tag ? tag[1] : 'server', ...(id ? { id } : {}) }, msg);
  };
}
