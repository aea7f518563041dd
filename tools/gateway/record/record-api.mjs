// The record's staff API (docs/record.md, "Staff API"), under /staff/record/
// behind the staff credential the staff API checks before it calls this:
//   GET  /staff/record/conversations?q=&from=&to=&limit=&offset=  the list
//   GET  /staff/record/conversations/ID                         one, in full
//   GET  /staff/record/conversations/ID/export?format=json|csv  one, as a file
//   GET  /staff/record/export?from=&to=&format=json|csv         a date range
//   POST /staff/record/erase  {"conversation_id"} | {"visitor_id"}, "name"
//   GET  /staff/record/erasures                                 what was erased
//   GET  /staff/record/analytics?from=&to=                      the figures (default: the last 30 days)
//   POST /staff/record/events/replay?from=&to=                  send the events out of a range again (events-out.mjs)
//   GET  /staff/record/events                                   events out waiting and given up on
// Dates are ISO 8601 (2026-11-01 or 2026-11-01T12:00:00Z); `to` is exclusive.
// Bounded (docs/security.md, "Staff record and revocation bounds"): a page
// of at most MAX_PAGE, an offset of at most MAX_OFFSET, a search of at most
// MAX_QUERY_CHARS, `from` before `to`, analytics over at most
// MAX_ANALYTICS_DAYS, an export of at most MAX_EXPORT conversations; each
// refused with its own 400 (413 for the export) before the database is asked.
import { conversationsToCsv } from './export-csv.mjs';
import { RecordUnavailable } from './record-when-reachable.mjs';
import { MAX_PAGE } from './read-record.mjs';
import { EVENTS_KEEP_DAYS } from './retention.mjs';

export const RECORD_PREFIX = '/staff/record/';
const ONE = /^\/staff\/record\/conversations\/([^/]{1,256})(\/export)?$/;
const MAX_EXPORT = 5000;
export const MAX_OFFSET = 10_000; // deeper pages: narrow the search or the dates
export const MAX_QUERY_CHARS = 200;
export const MAX_ANALYTICS_DAYS = 366;
const DAY_MS = 86_400_000;

// `http`: { sendJson(res, status, body), sendError(res, status, code, message), readJson(req, res) → object | null }.
export function createRecordApi({ record, http, log = () => {} }) {
  const { sendJson, sendError } = http;

  function range(url, res) {
    const out = {};
    for (const key of ['from', 'to']) {
      const raw = url.searchParams.get(key);
      if (raw === null || raw === '') continue;
      const ms = Date.parse(raw);
      if (!Number.isFinite(ms)) { sendError(res, 400, 'bad_date', `"${key}" must be an ISO 8601 date or time, e.g. 2026-11-01.`); return null; }
      out[key] = ms;
    }
    if (out.from !== undefined && out.to !== undefined && !(out.from < out.to)) {
      sendError(res, 400, 'bad_range', '"from" must be before "to".');
      return null;
    }
    return out;
  }
  function format(url, res) {
    const f = url.searchParams.get('format') ?? 'json';
    if (f === 'json' || f === 'csv') return f;
    sendError(res, 400, 'bad_format', '"format" must be json or csv.');
    return null;
  }
  function file(res, kind, name, conversations) {
    const headers = { 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${name}.${kind}"` };
    if (kind === 'csv') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/csv; charset=utf-8' });
      return res.end(conversationsToCsv(conversations));
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
    return res.end(JSON.stringify({ conversations }));
  }

  async function list(url, res) {
    const dates = range(url, res);
    if (!dates) return undefined;
    // A whole number in [min, max], the default when absent; null (answered 400) otherwise.
    const int = (key, dflt, min, max) => {
      const raw = url.searchParams.get(key);
      if (raw === null || raw === '') return dflt;
      const n = Number(raw);
      if (/^\d+$/.test(raw) && n >= min && n <= max) return n;
      sendError(res, 400, `bad_${key}`, `"${key}" must be a whole number from ${min} to ${max}.`);
      return null;
    };
    const limit = int('limit', 50, 1, MAX_PAGE);
    const offset = limit === null ? null : int('offset', 0, 0, MAX_OFFSET);
    if (offset === null) return undefined;
    const q = url.searchParams.get('q') ?? '';
    if (q.length > MAX_QUERY_CHARS) {
      return sendError(res, 400, 'query_too_long', `The search is ${q.length} characters; the limit is ${MAX_QUERY_CHARS}.`);
    }
    const conversations = await record.listConversations({ ...dates, text: q || undefined, limit, offset });
    return sendJson(res, 200, { conversations });
  }

  async function exportRange(url, res) {
    const dates = range(url, res);
    const kind = dates && format(url, res);
    if (!kind) return undefined;
    const found = await record.conversationsInRange({ ...dates, max: MAX_EXPORT });
    if (found.tooMany) return sendError(res, 413, 'range_too_large', `More than ${MAX_EXPORT} conversations: export a shorter range.`);
    const name = `natter-record-${dates.from ? new Date(dates.from).toISOString().slice(0, 10) : 'start'}-${dates.to ? new Date(dates.to).toISOString().slice(0, 10) : 'now'}`;
    return file(res, kind, name, found.conversations);
  }

  async function figures(url, res) {
    const dates = range(url, res);
    if (!dates) return undefined;
    const to = dates.to ?? Date.now();
    const from = dates.from ?? to - 30 * 86_400_000;
    if (!(from < to)) return sendError(res, 400, 'bad_range', '"from" must be before "to".');
    if (to - from > MAX_ANALYTICS_DAYS * DAY_MS) {
      return sendError(res, 400, 'range_too_long', `Figures cover at most ${MAX_ANALYTICS_DAYS} days: ask for a shorter range.`);
    }
    return sendJson(res, 200, { analytics: await record.analytics({ from, to }) });
  }

  async function erase(req, res, staff) {
    const b = await http.readJson(req, res);
    if (!b) return undefined;
    // A per-person staff token names who asked; the shared token lets the body say it.
    const by = staff?.name ?? (typeof b.name === 'string' && b.name.length <= 100 ? b.name : null);
    const conversationId = typeof b.conversation_id === 'string' && b.conversation_id.length <= 256 ? b.conversation_id : null;
    const visitorId = typeof b.visitor_id === 'string' && b.visitor_id.length <= 256 ? b.visitor_id : null;
    if (Boolean(conversationId) === Boolean(visitorId)) {
      return sendError(res, 400, 'bad_erasure', 'Name exactly one of "conversation_id" or "visitor_id".');
    }
    const erasure = conversationId ? await record.eraseConversation(conversationId, { by }) : await record.eraseVisitor(visitorId, { by });
    log(`[record] erasure ${erasure.id}: ${erasure.scope}, ${erasure.rowsRemoved} rows`); // never the id erased
    return sendJson(res, 200, { erasure });
  }

  // Both dates required, at most EVENTS_KEEP_DAYS apart (what the record keeps of them).
  async function replay(url, res) {
    const dates = range(url, res);
    if (!dates) return undefined;
    if (dates.from === undefined || dates.to === undefined) return sendError(res, 400, 'bad_range', 'Name the range to send again: "from" and "to".');
    if (dates.to - dates.from > EVENTS_KEEP_DAYS * DAY_MS) return sendError(res, 400, 'range_too_long', `Events are kept ${EVENTS_KEEP_DAYS} days: ask for a shorter range.`);
    const replayed = await record.events.replay({ from: dates.from, to: dates.to });
    log(`[record] events out: ${replayed} to be sent again`);
    return sendJson(res, 200, { replayed });
  }

  // Resolves true when it answered (the path is under /staff/record/).
  // `staff`: who is asking ({name, role}: staff-auth.mjs), when known.
  return async function handle(req, res, pathname, url, staff = null) {
    if (!pathname.startsWith(RECORD_PREFIX)) return false;
    if (!record) { sendError(res, 404, 'record_off', 'The record is off (NATTER_RECORD=off).'); return true; }
    try {
      await route(req, res, pathname, url, staff);
    } catch (error) {
      if (!(error instanceof RecordUnavailable)) throw error;
      res.setHeader('Retry-After', '5');
      sendError(res, 503, 'record_unavailable', 'The record database cannot be reached yet; conversations are kept and written once it can. Try again shortly.');
    }
    return true;
  };

  async function route(req, res, pathname, url, staff) {
    const one = ONE.exec(pathname);
    if (req.method === 'GET' && pathname === '/staff/record/conversations') await list(url, res);
    else if (req.method === 'GET' && one) {
      const id = decodeURIComponent(one[1]);
      const full = await record.getConversation(id);
      if (!full) sendError(res, 404, 'not_recorded', 'No such conversation in the record.');
      else if (!one[2]) sendJson(res, 200, { conversation: full });
      else {
        const kind = format(url, res);
        if (kind) file(res, kind, `natter-conversation-${id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}`, [full]);
      }
    } else if (req.method === 'GET' && pathname === '/staff/record/export') await exportRange(url, res);
    else if (req.method === 'POST' && pathname === '/staff/record/erase') await erase(req, res, staff);
    else if (req.method === 'GET' && pathname === '/staff/record/analytics') await figures(url, res);
    else if (req.method === 'GET' && pathname === '/staff/record/erasures') sendJson(res, 200, { erasures: await record.listErasures() });
    else if (req.method === 'POST' && pathname === '/staff/record/events/replay') await replay(url, res);
    else if (req.method === 'GET' && pathname === '/staff/record/events') sendJson(res, 200, { events: await record.events.counts() });
    else sendError(res, 404, 'not_found', 'Not found.');
  }
}
