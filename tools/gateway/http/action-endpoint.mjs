// POST /api/action and POST /api/action/result (docs/protocol.md, "Actions"):
// the page confirms an action the agent proposed, then reports what the
// shop's handler did. Exactly once through the ledger (actions/
// action-ledger.mjs): the first confirmation is told to run the handler
// (with a fence), every later one is told `running` or given the result.
// Only an action proposed in this conversation with exactly that name and
// those args can be confirmed (the proposal the gateway kept when it sent
// the `action` event), so a page cannot make the ledger hold anything the
// agent did not propose: a flood of made-up confirmations keeps nothing.
// Ownership as POST /api/feedback: every request carries the
// conversation's conversation_key (400 missing_key) and it must be the one
// bound (403 not_owner). Bounded per client like POST /api/feedback
// (docs/security-http.md): per address and per conversation in a window.
import { randomUUID } from 'node:crypto';
import { sendError, sendJson } from './http-util.mjs';
import { ANSWERED, readWidgetPost } from './widget-post.mjs';
import { CORS_HEADERS } from './chat-endpoint.mjs';
import { admitToConversation, windowBudgetFor } from './chat-budget.mjs';
import { nestsDeeperThan } from './json-depth.mjs';
import { checkConversationKey, checkKeyProof, missingKey } from '../session/conversation-key.mjs';
import { confirmationProblem, createActionLedger } from '../actions/action-ledger.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';

export const ACTION_PATH = '/api/action';
export const ACTION_RESULT_PATH = '/api/action/result';
const MAX_BODY = 8192;
const MAX_MESSAGE = 200;
const MAX_DATA_BYTES = 2048;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// JSON with object keys sorted: the page's copy of the args may list them
// in another order than the agent did; they are the same args.
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function resultProblem(r) {
  if (!isObject(r)) return '"result" must be an object {ok, message?, data?}.';
  if (typeof r.ok !== 'boolean') return '"result.ok" must be true or false.';
  if (r.message !== undefined && (typeof r.message !== 'string' || r.message.length > MAX_MESSAGE)) {
    return `"result.message" must be a string of at most ${MAX_MESSAGE} characters.`;
  }
  if (r.data !== undefined) {
    if (!isObject(r.data)) return '"result.data" must be an object.';
    if (nestsDeeperThan(r.data, 8) || Buffer.byteLength(JSON.stringify(r.data)) > MAX_DATA_BYTES) {
      return `"result.data" must be at most ${MAX_DATA_BYTES} bytes as JSON.`;
    }
  }
  const extra = Object.keys(r).find((k) => !['ok', 'message', 'data'].includes(k));
  return extra ? `"result.${extra}" is not a result field.` : '';
}

function requestProblem(b, reporting) {
  if (!isObject(b)) return 'The body must be a JSON object.';
  const key = checkConversationKey(b.conversation_key);
  if (!key.ok) return key.message;
  if (reporting) {
    const shape = confirmationProblem({ conversationId: b.conversation_id, actionId: b.action_id, name: 'result' });
    if (shape) return shape;
    if (!Number.isSafeInteger(b.fence) || b.fence < 1) return '"fence" must be the whole number POST /api/action answered.';
    return resultProblem(b.result);
  }
  return confirmationProblem({ conversationId: b.conversation_id, actionId: b.action_id, name: b.name, args: b.args ?? {} });
}

// `limits`: store/limits.mjs's (actionPerAddress, actionPerConversation,
// actionWindowMs, bodyTimeoutMs). `handler.budget.clear()` forgets the window (test reset).
export function createActionHandler({ store, tokens = null, instance = '', log = () => {}, limits = DEFAULT_LIMITS, now = Date.now, leaseMs }) {
  const ledger = createActionLedger({ store, instance, ...(leaseMs ? { leaseMs } : {}) });
  const budget = windowBudgetFor(store, {
    name: 'action', perAddress: limits.actionPerAddress, perConversation: limits.actionPerConversation, windowMs: limits.actionWindowMs,
  }, now);
  const fail = (res, status, code, message, extra = {}) => sendError(res, status, code, message, { ...CORS_HEADERS, ...extra });

  async function handle(req, res, reporting) {
    const path = reporting ? ACTION_RESULT_PATH : ACTION_PATH;
    const b = await readWidgetPost(req, res, { maxBody: MAX_BODY, timeoutMs: limits.bodyTimeoutMs, tokens });
    if (b === ANSWERED) return undefined;
    const problem = requestProblem(b, reporting);
    if (problem) return fail(res, 400, 'bad_request', problem);
    if (b.conversation_key === undefined || b.conversation_key === null) {
      const m = missingKey();
      return fail(res, m.status, m.code, m.message);
    }
    const id = b.conversation_id;
    // Before the store is asked anything: a flood costs its sender; the
    // conversation's budget only once the key is proved (chat-budget.mjs).
    const refuseOver = (over) => {
      log(`[server] POST ${path} refused: over the per-${over.by} budget`);
      return fail(res, 429, 'rate_limited', `Too many action requests from this ${over.by === 'address' ? 'client' : 'conversation'}; retry later.`,
        { 'Retry-After': String(over.retryAfterS) });
    };
    const admission = await admitToConversation(budget, {
      // every request counts against the conversation's budget, on any instance
      req, conversation: id, request: randomUUID(), proveKey: () => checkKeyProof(store, id, b.conversation_key),
    });
    if (admission?.over) return refuseOver(admission.over);
    if (admission?.refused) {
      log(`[server] POST ${path} refused: conversation ${id.slice(0, 8)} is bound to another conversation_key`);
      return fail(res, admission.refused.status, admission.refused.code, admission.refused.message);
    }
    const proposal = await store.readProposal(id, b.action_id);
    if (!proposal) return fail(res, 404, 'unknown_action', 'No such action was proposed in this conversation (or it expired).');
    const action = { conversationId: id, actionId: b.action_id, name: proposal.name, args: proposal.args };
    if (reporting) return recordResult(res, action, b);
    if (b.name !== proposal.name || canonicalJson(b.args ?? {}) !== canonicalJson(proposal.args ?? {})) {
      log(`[server] POST ${path} refused: action ${b.action_id.slice(0, 12)} confirmed with another name or args`);
      return fail(res, 409, 'action_conflict', 'This action id was proposed with another name or other args.');
    }
    const claim = await ledger.confirm(action);
    if (claim.outcome === 'conflict') return fail(res, 409, 'action_conflict', 'This action id was confirmed for another action.');
    if (claim.outcome === 'full') return fail(res, 503, 'store_full', 'The gateway has no room to keep this action now; retry later.', { 'Retry-After': '5' });
    if (claim.outcome === 'run') log(`[server] action ${proposal.name} ${b.action_id.slice(0, 12)} in ${id.slice(0, 8)}: run (fence ${claim.fence}${claim.retry ? ', retry' : ''})`);
    return sendJson(res, 200, claim, CORS_HEADERS);
  }

  async function recordResult(res, action, b) {
    const result = { ok: b.result.ok };
    if (b.result.message !== undefined) result.message = b.result.message;
    if (b.result.data !== undefined) result.data = b.result.data;
    if (!(await ledger.report(action, b.fence, result))) {
      log(`[server] POST ${ACTION_RESULT_PATH}: fence ${b.fence} of ${action.actionId.slice(0, 12)} no longer holds it`);
      return fail(res, 409, 'not_holder', 'This page no longer holds the action (another took it over); ask POST /api/action for its result.');
    }
    await store.addActionResult(action.conversationId, { id: action.actionId, name: action.name, args: action.args, result });
    log(`[server] action ${action.name} ${action.actionId.slice(0, 12)} in ${action.conversationId.slice(0, 8)}: ${result.ok ? 'done' : 'failed'}`);
    return sendJson(res, 200, { outcome: 'recorded' }, CORS_HEADERS);
  }

  const handler = (req, res, pathname) => handle(req, res, pathname === ACTION_RESULT_PATH);
  handler.budget = budget;
  return handler;
}
