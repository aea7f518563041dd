// The record as one part of the gateway (server.mjs): opens the database
// (migrations at start), the writer, the recorder, the retention sweeps,
// and closes them in order (the queue gets up to 5 s to drain). With
// NATTER_RECORD=off every part is a no-op and the record API answers 404
// `record_off`. A database that refuses what it is given at start (a wrong
// password or database name, a failed migration) stops the start with its
// reason; one that does not answer yet is tried again in the background
// while the chat runs (record-when-reachable.mjs); once running, the
// database may come and go (record-writer.mjs).
import { openRecordWhenReachable } from './record-when-reachable.mjs';
import { createRecordWriter } from './record-writer.mjs';
import { createGatewayRecorder, NO_RECORDER } from './gateway-recorder.mjs';
import { recordingStore } from './record-store.mjs';
import { startRetentionSweeps } from './sweep-timer.mjs';
import { RETENTION_DEFAULTS } from './retention.mjs';
import { startEventSender } from './events-out.mjs';

// host:port/database, never the user or password.
function describeUrl(url) {
  try { const u = new URL(url); return `${u.host}${u.pathname}`; } catch { return '(set)'; }
}

export const RECORD_OFF = Object.freeze({
  kind: 'off', describe: 'off (NATTER_RECORD=off: no history is kept)', record: null, recorder: NO_RECORDER, wrapStore: (store) => store, registerMetrics() {}, async close() {},
});

// `setting`: parseRecordSetting's answer; `days`: retention per kind (retention.mjs).
// `reach`: retry bounds while the database does not answer (record-when-reachable.mjs).
// `events`: {url, secret, everyMs?} to send the events out (events-out.mjs), or null.
export async function openGatewayRecord({
  setting, days = RETENTION_DEFAULTS, log = () => {}, writerOptions = {}, sweeps: sweepOptions = {}, reach = {}, events = null,
}) {
  if (!setting || setting.kind === 'off') return RECORD_OFF;
  let record;
  try {
    record = await openRecordWhenReachable(setting, {
      onError: (error) => log(`[record] database connection lost: ${error.message}`), log, events: Boolean(events?.url), ...reach,
    });
  } catch (error) {
    throw new Error(`the record database (NATTER_RECORD) could not be opened: ${error.message}`);
  }
  const writer = createRecordWriter({ record, log, ...writerOptions });
  const recorder = createGatewayRecorder({ writer, log });
  const sweeps = startRetentionSweeps({ record, days: { ...RETENTION_DEFAULTS, ...days }, log, ...sweepOptions });
  const sender = events?.url ? startEventSender({ record, log, ...events }) : null;
  return {
    kind: setting.kind,
    describe: setting.kind === 'sqlite' ? `SQLite ${setting.file}` : `PostgreSQL ${describeUrl(setting.url)}`,
    record,
    writer,
    recorder,
    wrapStore: (store) => recordingStore(store, recorder),
    registerMetrics: (registry) => { writer.registerIn(registry); sender?.registerIn(registry); },
    events: sender,
    async close() {
      sweeps.stop();
      await sender?.stop();
      await writer.close({ timeoutMs: 5000 });
      await sweeps.first;
      await record.close();
    },
  };
}
