// Injected faults for the live session (test controls only). Queued with
// POST /__natter/faults {"session": [fault, ...]}; a FIFO of which every
// WebSocket upgrade request to /api/session takes the next fault, if any,
// when it arrives (also upgrades that then fail the handshake). A fault
// applies to that one upgrade/connection only.
//
// Upgrade faults (the handshake never succeeds):
//   {action: 'refuse_upgrade', status: 502, retry_after_s?: 1}  answer that
//       HTTP status (400..599, Retry-After when given) instead of 101
//   {action: 'upgrade_without_headers', status?: 426}  answer a plain response
//       (426 by default, or 200 / 400..599) without Upgrade/Connection headers,
//       as a proxy that dropped them (or served a fallback page) would
//   {action: 'stall_upgrade'}  never answer; the socket is held until the
//       client gives up (or 60 s, or the server closes)
// After refuse_upgrade or upgrade_without_headers, the next plain (non-upgrade)
// GET /api/session within 30 s — the client's diagnosis probe — gets the
// same status (one probe only); later ones get the usual 426.
//
// Connection faults (the handshake succeeds; server→client text frames are
// affected, client→server frames are handled as usual; binary voice frames
// are not counted, delayed, duplicated or reordered — voice has its own
// faults, voice/voice-faults.mjs — but a dropped or muted connection sends
// none):
//   {action: 'drop_after_frames', frames: N}  after N server frames have been
//       written, the TCP socket is destroyed (the client sees 1006); N = 0
//       drops right after the handshake
//   {action: 'mute_after_frames', frames: N}  after N frames, send nothing
//       more but keep the socket open (a half-open connection)
//   {action: 'delay_frames', ms}  every frame goes out `ms` later (order kept)
//   {action: 'duplicate_frames'}  every `ack` and `event` frame is sent twice
//   {action: 'reorder_frames'}  `event` frames go out swapped in pairs (2,1,4,3…);
//       an odd one out is sent after 50 ms or before any non-event frame
//   {action: 'close_after_open', ms: 0..500, code?}  close `ms` after the
//       handshake: abruptly (1006) without `code`, else a close frame with it
const int = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;
const CLOSE_CODES = (c) => [1000, 1001, 1011, 1012, 1013].includes(c) || int(c, 3000, 4999);

const CHECKS = {
  refuse_upgrade: (f) => {
    if (!int(f.status, 400, 599)) return 'status must be 400..599';
    return f.retry_after_s === undefined || int(f.retry_after_s, 0, 3600) ? null : 'retry_after_s must be 0..3600';
  },
  upgrade_without_headers: (f) => (f.status === undefined || f.status === 200 || int(f.status, 400, 599)
    ? null : 'status must be 200 or 400..599'),
  stall_upgrade: () => null,
  drop_after_frames: (f) => (int(f.frames, 0, 1e6) ? null : 'frames must be an integer >= 0'),
  mute_after_frames: (f) => (int(f.frames, 0, 1e6) ? null : 'frames must be an integer >= 0'),
  delay_frames: (f) => (int(f.ms, 0, 60_000) ? null : 'ms must be an integer 0..60000'),
  duplicate_frames: () => null,
  reorder_frames: () => null,
  close_after_open: (f) => {
    if (!int(f.ms, 0, 500)) return 'ms must be an integer 0..500';
    return f.code === undefined || CLOSE_CODES(f.code) ? null : 'code must be 1000/1001/1011/1012/1013 or 3000..4999';
  },
};

// Returns null when `fault` is well formed, else why not.
export function checkSessionFault(fault) {
  if (!fault || typeof fault !== 'object') return 'a fault must be an object';
  const check = CHECKS[fault.action];
  if (!check) return `unknown action ${JSON.stringify(fault.action)}`;
  return check(fault);
}

// The response an upgrade fault gives (also reused for the diagnosis probe),
// or null for a connection fault.
export function upgradeFaultResponse(fault) {
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After' };
  if (fault?.action === 'refuse_upgrade') {
    const retry = fault.retry_after_s === undefined ? {} : { 'Retry-After': String(fault.retry_after_s) };
    const body = JSON.stringify({ error: { code: 'injected_fault', message: `Injected status ${fault.status}.` } });
    return { status: fault.status, headers: { ...cors, ...retry, 'Content-Type': 'application/json' }, body };
  }
  if (fault?.action === 'upgrade_without_headers') {
    const status = fault.status ?? 426;
    if (status === 200) {
      return { status, headers: { ...cors, 'Content-Type': 'text/html' }, body: '<!doctype html><title>Shop</title>' };
    }
    const body = JSON.stringify({ error: { code: 'upgrade_required', message: 'Upgrade headers missing.' } });
    return { status, headers: { ...cors, 'Content-Type': 'application/json' }, body };
  }
  return null;
}
