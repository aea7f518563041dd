// The record's cost on the reply path (docs/benchmarks.md, "The record"):
// two gateways in this process, one with the record off and one writing it
// to SQLite (WAL), answer the same chat turns, interleaved one by one (off,
// on, off, on, ...), so both see the same machine at the same moments.
// Figure: ms from sending POST /api/chat to the first token (the first
// `delta` event of the reply stream), min, median and p99 per side, and
// the ratio of the medians. Then rows per conversation and the SQLite
// file's size per 10,000 conversations of the same shape (from the file
// after the run, after a checkpoint).
//   node tools/bench/record-cost.mjs [turns=400] [conversations-per-side=100]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { percentile } from './stats.mjs';

import { startServer } from '../gateway/server.mjs';

// Each conversation's key, as a widget keeps one (the gateway requires it).
const keys = new Map();
const keyOf = (conversation) => {
  if (!keys.has(conversation)) keys.set(conversation, randomBytes(24).toString('hex'));
  return keys.get(conversation);
};

function firstToken(url, conversation, key, text) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let seen = null;
    const req = http.request(new URL('/api/chat', url), {
      method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        if (seen === null && /event: delta/.test(buffer)) seen = Number(process.hrtime.bigint() - started) / 1e6;
      });
      res.on('end', () => (seen === null ? reject(new Error(`no token (${res.statusCode})`)) : resolve(seen)));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ message_id: key, conversation_id: conversation, conversation_key: keyOf(conversation), text }));
  });
}

const turns = Number(process.argv[2] ?? 400);
const conversations = Number(process.argv[3] ?? 100);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-bench-'));
const file = path.join(dir, 'record.sqlite');
const quiet = { log: () => {}, tokenDelayMs: 1, metrics: false };
const off = await startServer({ ...quiet });
const on = await startServer({ ...quiet, record: { setting: { kind: 'sqlite', file } } });
const times = { off: [], on: [] };
const questions = ['Is the PS5 in stock?', 'How much is the Xbox?', 'Do you ship to Germany?', 'What is your returns policy?'];
try {
  for (let i = 0; i < turns; i += 1) {
    const conversation = `bench-${i % conversations}`;
    const text = questions[i % questions.length];
    for (const [side, server] of i % 2 === 0 ? [['off', off], ['on', on]] : [['on', on], ['off', off]]) {
      times[side].push(await firstToken(server.url, `${side}-${conversation}`, `${side}-${i}`, text));
    }
  }
} finally {
  await off.close();
  await on.close();
}
const sorted = (a) => [...a].sort((x, y) => x - y);
const figure = (a) => ({ min: Math.min(...a), median: percentile(sorted(a), 50), p99: percentile(sorted(a), 99) });
const db = new Database(file);
db.pragma('wal_checkpoint(TRUNCATE)');
const count = (table) => db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get().n;
const rows = ['conversations', 'turns', 'handoffs', 'notes', 'emails', 'leads', 'feedback'].reduce((sum, t) => sum + count(t), 0);
const recorded = count('conversations');
db.close();
const bytes = fs.statSync(file).size;
const result = {
  turns, conversations: recorded, off: figure(times.off), on: figure(times.on),
  ratioOfMedians: figure(times.on).median / figure(times.off).median,
  rowsPerConversation: rows / recorded, bytesPer10k: (bytes / recorded) * 10_000, turnsPerConversation: turns / conversations,
};
fs.rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
