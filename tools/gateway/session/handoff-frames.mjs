// The shopper's side of a handoff (docs/protocol.md, "Handoff to a person"):
// `handoff.request` moves the conversation ai -> waiting when someone is
// there to answer soon, and `handoff.email` leaves an address for staff
// when nobody is.
//
// "Online" means "able to answer soon": some staff API call within
// presenceMs (store.staffOnline), not an open tab. With nobody online the
// control stays `ai` (the shopper is never left with silence) and the
// session gets a `control` event with state `unavailable` and `ask:
// "email"`, which the widget renders as "nobody is available; leave your
// email". Every answer is an event in the session's log (so a resume
// replays it), or an `error` frame for a request the table refuses.
import { errorFrame } from './frames.mjs';
import { illegalMessage } from '../control/transitions.mjs';
import * as wire from './wire-codes.mjs';

export const PRESENCE_MS = 120_000;

export function createHandoffFrames({ store, presenceMs = PRESENCE_MS, log = () => {} }) {
  // Also the AI's handoff tool (agents/shop-tools.mjs): `summary` is what the
  // model wrote, kept for staff to read first. Resolves what happened.
  async function requestHandoff(id, { by = 'shopper', summary = '' } = {}) {
    if (!(await store.staffOnline(presenceMs))) {
      await store.appendEvent(id, 'control', { event: 'control', data: { state: 'unavailable', ask: 'email' } });
      await store.addStaffEntry(id, { kind: 'handoff', by, summary, answered: 'unavailable', at: Date.now() });
      log(`[server] handoff requested in ${id.slice(0, 8)}: nobody online`);
      return { ok: true, state: 'unavailable' };
    }
    const changed = await store.changeControl(id, 'request', {
      entry: { kind: 'handoff', by, summary, at: Date.now() },
    });
    if (changed.ok) log(`[server] handoff requested in ${id.slice(0, 8)}: waiting, position ${changed.control.position}`);
    return changed.ok ? { ok: true, state: 'waiting' } : changed;
  }

  return {
    requestHandoff,

    async request(conn) {
      const result = await requestHandoff(conn.sessionId);
      if (result.code === 'illegal') {
        conn.send(errorFrame(wire.ERROR_HANDOFF_REFUSED, illegalMessage(result.from, 'request'), { state: result.from }));
      } else if (!result.ok) conn.stale(result.code);
      else if (result.state === 'unavailable') conn.catchUp(); // appendEvent does not notify: fetch it now
    },

    // Kept once per email_id (a re-send after a reconnect is answered, not
    // kept again); a frame without one is kept each time, as before ids.
    async email(conn, email, emailId = '') {
      const entry = { kind: 'email', email, at: Date.now() };
      if (!emailId) {
        if (!(await store.addStaffEntry(conn.sessionId, entry))) return conn.stale('gone');
        conn.send({ type: 'handoff.email_saved' });
        return undefined;
      }
      const saved = await store.saveEmailOnce(conn.sessionId, emailId, entry);
      if (saved === 'gone') return conn.stale('gone');
      if (saved === 'saved') log(`[server] email left for staff in ${conn.sessionId.slice(0, 8)}`);
      conn.send({ type: 'handoff.email_saved', email_id: emailId });
      return undefined;
    },
  };
}
