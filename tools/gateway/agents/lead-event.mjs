// A lead an agent captured (docs/agents.md, "Leads"): the adapter's
// {event: 'lead', data: {kind, data?}} is kept in the shop's record with its
// conversation (a trade-in quote, a callback asked for) and told to the
// shop's systems (events out); the shopper is not sent it.
//   checkLead(value) → {ok: true, data: {kind, data}} | {ok: false, reason}  (pure)
export const MAX_LEADS_PER_REPLY = 3;
export const MAX_LEAD_DATA_BYTES = 2048;
const KIND = /^[a-z][a-z0-9_]{0,39}$/;

export function checkLead(value) {
  const kind = value?.kind;
  if (typeof kind !== 'string' || !KIND.test(kind)) return { ok: false, reason: 'a lead needs a kind in lower_snake_case (at most 40 characters)' };
  const data = value.data ?? null;
  if (data !== null && (typeof data !== 'object' || Array.isArray(data))) return { ok: false, reason: 'a lead\'s data is an object' };
  if (data !== null && Buffer.byteLength(JSON.stringify(data)) > MAX_LEAD_DATA_BYTES) {
    return { ok: false, reason: `a lead's data is over ${MAX_LEAD_DATA_BYTES} bytes as JSON` };
  }
  return { ok: true, data: { kind, data } };
}
