// The `action` event an adapter may yield: the agent proposes that the page
// run one of the actions it declared (natter('action'); the turn's
// context.actions). docs/protocol.md "Actions" gives the contract; the
// widget's core checks the same rules again on arrival. The gateway decides
// here what an agent cannot: only a declared name passes, `confirm` is the
// page's declaration (an agent cannot lower it), and the id is derived from
// (conversation, message, name), so a replayed reply (a retry, a resume,
// another instance) proposes the same action, never a second one.
import { createHash } from 'node:crypto';
import { nestsDeeperThan } from '../http/json-depth.mjs';
import { ACTION_NAME } from '../http/page-context.mjs';

export const MAX_ARGS_BYTES = 2048;
const MAX_ARGS_DEPTH = 4;
export const MAX_SUMMARY_TEXT = 120;
const DECIMAL = /^\d{1,9}(\.\d{1,4})?$/;
const CURRENCY = /^[A-Z]{3}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// "act_" and 22 base64url characters (128 bits of a SHA-256).
export function actionId(conversationId, messageId, name) {
  const digest = createHash('sha256').update(JSON.stringify(['natter-action', conversationId, messageId, name])).digest();
  return `act_${digest.subarray(0, 16).toString('base64url')}`;
}

function isHttpsUrl(value) {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try { return new URL(value).protocol === 'https:'; } catch { return false; }
}

function summaryText(value, where, { required = false } = {}) {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') throw new Error(`${where} must be a string`);
  const t = value.trim();
  if (required && t === '') throw new Error(`${where} must not be blank`);
  if (t.length > MAX_SUMMARY_TEXT || CONTROL.test(t)) throw new Error(`${where} must be at most ${MAX_SUMMARY_TEXT} characters without control characters`);
  return t === '' ? undefined : t;
}

// The confirm card's words: { title, variant?, quantity?, price?, currency?, image_url? }.
function checkSummary(s) {
  if (!isObject(s)) throw new Error('action.summary must be an object');
  const out = { title: summaryText(s.title, 'action.summary.title', { required: true }) };
  const variant = summaryText(s.variant, 'action.summary.variant');
  if (variant !== undefined) out.variant = variant;
  if (s.quantity !== undefined) {
    if (!Number.isInteger(s.quantity) || s.quantity < 1 || s.quantity > 999) throw new Error('action.summary.quantity must be a whole number from 1 to 999');
    out.quantity = s.quantity;
  }
  if (s.price !== undefined) {
    if (typeof s.price !== 'string' || !DECIMAL.test(s.price)) throw new Error('action.summary.price must be a decimal string like "49.99"');
    out.price = s.price;
  }
  if (s.currency !== undefined) {
    if (typeof s.currency !== 'string' || !CURRENCY.test(s.currency)) throw new Error('action.summary.currency must be an ISO 4217 code like "GBP"');
    out.currency = s.currency;
  }
  if (s.image_url !== undefined) {
    if (!isHttpsUrl(s.image_url)) throw new Error('action.summary.image_url must be an https link');
    out.image_url = s.image_url;
  }
  return out;
}

const IS_TYPE = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
};

// Each argument the page declared a type for has that type when given;
// the page's handler reads the rest (and decides what it needs).
function checkDeclaredTypes(args, declared) {
  for (const [key, type] of Object.entries(declared.args ?? {})) {
    if (Object.hasOwn(args, key) && !IS_TYPE[type](args[key])) {
      throw new Error(`action.args.${key} must be ${type === 'integer' ? 'an integer' : `a ${type}`}, as the page declared it`);
    }
  }
}

// data: what the adapter yielded; turn: {conversation_id, message_id, context}.
// -> { ok: true, data: {id, name, args, confirm, summary?} } | { ok: false, reason }.
export function checkActionProposal(data, turn) {
  try {
    if (!isObject(data)) throw new Error('action data must be an object');
    const { name } = data;
    if (typeof name !== 'string' || !ACTION_NAME.test(name)) throw new Error('action.name must be lower_snake_case, at most 40 characters');
    const declared = (turn?.context?.actions ?? []).find((a) => a.name === name);
    if (!declared) throw new Error(`action ${JSON.stringify(name)} is not declared by the page of this turn`);
    const args = data.args ?? {};
    if (!isObject(args)) throw new Error('action.args must be an object');
    if (nestsDeeperThan(args, MAX_ARGS_DEPTH)) throw new Error(`action.args nests deeper than ${MAX_ARGS_DEPTH} levels`);
    const bytes = Buffer.byteLength(JSON.stringify(args));
    if (bytes > MAX_ARGS_BYTES) throw new Error(`action.args is ${bytes} bytes as JSON; the limit is ${MAX_ARGS_BYTES}`);
    checkDeclaredTypes(args, declared);
    const confirm = declared.confirm !== false;
    const out = { id: actionId(turn.conversation_id, turn.message_id, name), name, args, confirm };
    if (data.summary !== undefined || confirm) out.summary = checkSummary(data.summary);
    return { ok: true, data: out };
  } catch (error) {
    return { ok: false, reason: error.message };
  }
}
