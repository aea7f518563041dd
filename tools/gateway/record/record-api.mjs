// The record's staff API (docs/record.md, "Staff API"), under /staff/record/
// behind the staff credential the staff API checks before it calls this:
//   GET  /staff/record/conversations?q=&from=&to=&limit=&offset=  the list
//   GET  /staff/record/conversations/ID                         one, in full
//   GET  /staff/record/conversations/ID/export?format=json|csv  one, as a file
//   GET  /staff/record/export?from=&to=&format=json|csv         a date range
//   POST /staff/record/erase  {"conversation_id"} | {"visitor_id"}, "name"
//   GET  /staff/record/erasures                                 what was erased
//   GET  /staff/record/analytics?from=&to=                      the figures (default: the last 30 days)
// Dates are ISO 8601 (2026-11-01 or 2026-11-01T12:00:00Z); `to` is exclusive.
import { conversationsToCsv } from './export-csv.mjs';
import { RecordUnavailable } from './record-when-reachable.mjs';

export const RECORD_PREFIX = '/staff/record/';
const ONE = /^\/staff\/record\/conversations\/([^/]{1,256})(\/export)?$/;
const MAX_EXPORT = 5000;

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
    const int = (key, dflt) => {
      const n = Number(url.searchParams.get(key) ?? dflt);
      return Number.isInteger(n) && n >= 0 ? n : dflt;
    };
    const q = (url.searchParams.get('q') ?? '').slice(0, 200);
    const conversations = await record.listConversations({ ...dates, text: q || undefined, limit: int('limit', 50), offset: int('offset', 0) });
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
    else sendError(res, 404, 'not_found', 'Not found.');
  }
}
