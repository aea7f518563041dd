// Actions in the shop's page, exactly once (docs/commerce.md, "Actions"): the
// agent proposes an action with an id, the shopper confirms it, the page
// runs the shop's handler and reports its result. Every confirmation of one
// action, from a double tap, a retry, a reconnect, a reload, a second tab or
// another gateway instance, goes through the store's atomic claim: the
// first is told to run the handler, every later one waits for that run or
// gets its result. The record is an agent-run record (store/README.md,
// "Agent runs") under a key of its own, so both stores, their fences and
// their leases already hold it: nothing new to make atomic.
//
// A confirmation whose page died (its lease ran out before a result) is
// handed to the next confirmation of the same action, with `retry: true`:
// a confirmed action is never lost, and the shop's handler is given the
// action id so that it can tell a second call for the same action from a
// new one (the page may have run it and died before reporting).
import { createHash } from 'node:crypto';

// How long a confirming page holds an action before another may take it.
export const ACTION_LEASE_MS = 60_000;
const ID = /^[A-Za-z0-9_-]{8,64}$/;
const NAME = /^[a-z][a-z0-9_]{0,39}$/;

export const actionKey = (conversationId, actionId) => `action:${conversationId}:${actionId}`;

// What makes two confirmations "the same action": a confirmation of the same
// id for another name or other arguments is a conflict, never run.
export function actionPrint({ conversationId, actionId, name, args }) {
  return createHash('sha256').update(JSON.stringify([conversationId, actionId, name, args ?? null])).digest('hex');
}

// A reason the confirmation is malformed, or '' when it is well formed.
export function confirmationProblem({ conversationId, actionId, name, args }) {
  if (typeof conversationId !== 'string' || !ID.test(conversationId)) return 'conversation_id must be 8-64 letters, digits, _ or -';
  if (typeof actionId !== 'string' || !ID.test(actionId)) return 'action_id must be 8-64 letters, digits, _ or -';
  if (typeof name !== 'string' || !NAME.test(name)) return 'name must be lower_snake_case, at most 40 characters';
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) return 'args must be an object';
  return '';
}

// `store`: the gateway's store (claimRun, appendRunEvents, endRun, readRun).
export function createActionLedger({ store, instance = '', leaseMs = ACTION_LEASE_MS }) {
  return {
    // -> { outcome: 'run', fence, retry } this confirmation runs the handler
    //    (retry: an earlier confirming page stopped before reporting);
    //    { outcome: 'running' } another confirmation runs it now;
    //    { outcome: 'done', result } it ran: its result;
    //    { outcome: 'conflict' } this id was confirmed for another action;
    //    { outcome: 'full' } the store has no room (try again later).
    async confirm(action) {
      const key = actionKey(action.conversationId, action.actionId);
      const claim = await store.claimRun(key, actionPrint(action), { owner: instance, leaseMs });
      if (claim.outcome === 'started') return { outcome: 'run', fence: claim.fence, retry: false };
      if (claim.outcome === 'takeover') return { outcome: 'run', fence: claim.fence, retry: true };
      if (claim.outcome === 'joined') return { outcome: 'running' };
      if (claim.outcome === 'replayed') return { outcome: 'done', result: (await this.read(action)).result };
      return { outcome: claim.outcome }; // conflict, full
    },

    // The handler's result, from the confirmation that was told to run it
    // (its fence). -> true when recorded; false when that confirmation no
    // longer holds the action (it was taken over, or already reported).
    async report(action, fence, result) {
      const key = actionKey(action.conversationId, action.actionId);
      if (!(await store.appendRunEvents(key, fence, 0, [{ event: 'action_result', data: result }]))) return false;
      return store.endRun(key, fence, 'done');
    },

    // -> { state: 'running' | 'done', result? } or null (never confirmed, or forgotten).
    async read(action) {
      const run = await store.readRun(actionKey(action.conversationId, action.actionId));
      if (!run) return null;
      const ended = run.events.find((e) => e.event === 'action_result');
      return run.state === 'done' && ended ? { state: 'done', result: ended.data } : { state: 'running' };
    },
  };
}
