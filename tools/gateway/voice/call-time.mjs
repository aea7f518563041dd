// How long a session's voice calls streamed, for the record's voice minutes
// (docs/record.md, "Voice minutes"), with the record's writes bounded
// whatever a client does with voice.start and voice.end.
//
// A call streams in stretches (one per connection it is bound to; a client
// may start and end it as fast as its frame budget lets it). Stretches add
// up in memory into one row per call and session on this instance, keyed
// by the call and when it first streamed here. The row's total is handed to
// `report` ((sessionId, {callId, startedAt, ms}): the recorder's voiceTime,
// a keyed write that keeps the larger total, so writing it again as it
// grows leaves one row):
// - when a stretch ends, unless the row was reported in the last `everyMs`;
// - by a sweep every `everyMs`, for rows that grew since (an open call's
//   running time too, so a crash loses at most `everyMs` of it);
// - when the session ends here (forget), whatever is not yet reported.
// So a row is written at most once per `everyMs` plus once at the end, and
// a session has at most `rowsPerSession` rows: the time of further calls
// goes into its newest row, so the conversation's minutes stay whole.
// `totals` counts what was merged: voice_time_stretches_merged (a stretch's
// end wrote nothing: its time waits in its row), voice_time_calls_merged
// (a stretch of a call past the session's rows, added to another's row).
const DAY_MS = 86_400_000; // the most one row holds (the record refuses more)

export function createCallTime({ report, everyMs, rowsPerSession, now = Date.now, totals }) {
  const sessions = new Map(); // Session -> { rows: Map<call id, row>, newest: row }
  const open = new WeakMap(); // VoiceCall -> its row, while it streams
  let timer = null;

  const runningMs = (row, at) => row.ms + (row.openAt === null ? 0 : at - row.openAt);

  function send(sessionId, row, at) {
    row.reportedAt = at;
    row.reportedMs = runningMs(row, at);
    report(sessionId, { callId: row.callId, startedAt: row.startedAt, ms: Math.min(row.reportedMs, DAY_MS) });
  }

  function sweep() {
    const at = now();
    for (const [session, { rows }] of sessions) {
      for (const row of rows.values()) {
        if (at - row.reportedAt >= everyMs && runningMs(row, at) > row.reportedMs) send(session.id, row, at);
      }
    }
  }

  function rowFor(session, callId, at) {
    let kept = sessions.get(session);
    if (!kept) {
      kept = { rows: new Map(), newest: null };
      sessions.set(session, kept);
      if (!timer) timer = setInterval(sweep, everyMs).unref(); // only while some session has rows
    }
    let row = kept.rows.get(callId);
    if (row) return row;
    if (kept.rows.size >= rowsPerSession) {
      totals.voice_time_calls_merged += 1;
      return kept.newest;
    }
    row = { callId, startedAt: at, ms: 0, openAt: null, reportedAt: -Infinity, reportedMs: 0 };
    kept.rows.set(callId, row);
    kept.newest = row;
    return row;
  }

  return {
    // The call began streaming on a connection (call.session set).
    started(call) {
      const at = now();
      const row = rowFor(call.session, call.id, at);
      row.openAt = at;
      open.set(call, row);
    },
    // The call stopped streaming there.
    ended(call) {
      const row = open.get(call);
      if (!row) return;
      open.delete(call);
      const at = now();
      row.ms += at - row.openAt;
      row.openAt = null;
      if (at - row.reportedAt >= everyMs) send(call.session.id, row, at);
      else totals.voice_time_stretches_merged += 1;
    },
    sweep, // run by its own timer every everyMs; tests call it on a fake clock
    // The session ended on this instance (its calls already ended): its rows' last writes.
    forget(session) {
      const kept = sessions.get(session);
      if (!kept) return;
      sessions.delete(session);
      const at = now();
      for (const row of kept.rows.values()) if (runningMs(row, at) > row.reportedMs) send(session.id, row, at);
      if (sessions.size === 0) { clearInterval(timer); timer = null; }
    },
  };
}
