// The record's settings (config/settings.mjs: NATTER_RECORD, NATTER_DATA,
// NATTER_RECORD_KEEP_*_DAYS) as startServer's `record` option, and the
// warning they have with the store: several instances (NATTER_STORE=redis)
// on the default record would each keep a SQLite file of their own.
import path from 'node:path';
import { parseRecordSetting } from './open-record.mjs';
import { RETENTION_DEFAULTS, RETENTION_KINDS } from './retention.mjs';

export const keepSettingName = (kind) => `NATTER_RECORD_KEEP_${kind.toUpperCase()}_DAYS`;

// The check read-settings runs on NATTER_RECORD's text: throws with the reason.
export function checkRecordText(text) {
  parseRecordSetting(text);
  return text;
}

export function recordWarnings(values) {
  if (values.NATTER_STORE === 'redis' && !values.NATTER_RECORD) {
    return ['NATTER_RECORD is unset with NATTER_STORE=redis: each instance keeps its own SQLite record; give several instances one record with NATTER_RECORD=postgres://... (docs/record.md)'];
  }
  return [];
}

// `repo`: what a relative NATTER_DATA is resolved against.
export function recordChoice(values, { repo }) {
  const dataDir = path.resolve(repo, values.NATTER_DATA ?? 'data');
  const days = Object.fromEntries(RETENTION_KINDS.map((kind) => [kind, values[keepSettingName(kind)] ?? RETENTION_DEFAULTS[kind]]));
  const events = values.NATTER_EVENTS_URL ? { url: values.NATTER_EVENTS_URL, secret: values.NATTER_EVENTS_SECRET } : null;
  return { setting: parseRecordSetting(values.NATTER_RECORD, { dataDir }), days, events };
}
