// The record (docs/record.md): where the gateway keeps conversations,
// handoffs, notes, emails left, leads and feedback beyond a session.
// parseRecordSetting reads NATTER_RECORD; openRecord connects, applies the
// migrations and answers one object with the same methods on either
// database (tests/server/record-contract.test.mjs runs on both).
import path from 'node:path';
import { openSqliteDriver } from './sqlite-driver.mjs';
import { openPostgresDriver } from './postgres-driver.mjs';
import { migrate } from './migrate.mjs';
import { checkEvent } from './record-events.mjs';
import { writeBatch } from './write-batch.mjs';
import { getConversation, holdsConversation, listConversations, conversationsInRange } from './read-record.mjs';
import { eraseConversation, eraseVisitor, listErasures } from './erase.mjs';
import { sweep } from './retention.mjs';
import { analytics } from './analytics.mjs';
import { claimDue, eventCounts, markDelivered, markFailed, replayEvents } from './events-out.mjs';

// `off` | `sqlite:PATH` | `postgres://...` (or postgresql://). Empty or
// unset: SQLite at DATA_DIR/record.sqlite. Returns {kind: 'off'} |
// {kind: 'sqlite', file} | {kind: 'postgres', url}; throws on anything else.
export function parseRecordSetting(value, { dataDir = 'data' } = {}) {
  const v = (value ?? '').trim();
  if (v === '') return { kind: 'sqlite', file: path.join(dataDir, 'record.sqlite') };
  if (v === 'off') return { kind: 'off' };
  if (v.startsWith('sqlite:')) {
    const file = v.slice('sqlite:'.length);
    if (!file) throw new Error('NATTER_RECORD sqlite:PATH needs a file path after sqlite:');
    return { kind: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//.test(v)) return { kind: 'postgres', url: v };
  throw new Error('NATTER_RECORD must be off, sqlite:PATH or postgres://...');
}

// `events`: queue the events out (events-out.mjs) as rows are written.
export async function openRecord(setting, { onError, events = false } = {}) {
  if (setting.kind === 'off') return null;
  const driver = setting.kind === 'sqlite' ? openSqliteDriver(setting.file) : openPostgresDriver(setting.url, { onError });
  let schema;
  try {
    schema = await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  return {
    kind: driver.kind,
    schema,
    checkEvent,
    // Rows already checked (checkEvent); resolves { stored, refused }.
    writeBatch: (rows) => writeBatch(driver, rows, { events }),
    // The events out's queue (events-out.mjs).
    events: {
      claim: (options) => claimDue(driver, options),
      delivered: (id, now) => markDelivered(driver, id, now),
      failed: (row, now, reason) => markFailed(driver, row, now, reason),
      replay: (range) => replayEvents(driver, range),
      counts: () => eventCounts(driver),
    },
    getConversation: (id) => getConversation(driver, id),
    holdsConversation: (id) => holdsConversation(driver, id),
    listConversations: (query) => listConversations(driver, query),
    conversationsInRange: (query) => conversationsInRange(driver, query),
    eraseConversation: (id, options) => eraseConversation(driver, id, options),
    eraseVisitor: (id, options) => eraseVisitor(driver, id, options),
    listErasures: (options) => listErasures(driver, options),
    sweep: (options) => sweep(driver, options),
    analytics: (range) => analytics(driver, range),
    // A cheap round trip, for /readyz-style checks and tests.
    ping: () => driver.all('SELECT 1 AS one'),
    close: () => driver.close(),
  };
}
