// The record on SQLite (better-sqlite3 12.x): the embedded default, one
// gateway process. One connection, WAL journal (readers never wait for the
// writer), and every statement goes through one promise chain, so an
// asynchronous transaction is never interleaved with another caller's
// statements on the same connection. The interface (shared with
// postgres-driver.mjs): all(sql, params), run(sql, params), exec(text),
// transaction(fn(tx)), close(). SQL uses `?` placeholders.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const bind = (params) => params.map((v) => (v === undefined ? null : typeof v === 'boolean' ? Number(v) : v));

export function openSqliteDriver(file) {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a power cut may lose the last commits, never corrupt
  db.pragma('busy_timeout = 5000');
  const statements = new Map(); // prepared once per SQL text
  const prepare = (sql) => {
    let s = statements.get(sql);
    if (!s) { s = db.prepare(sql); statements.set(sql, s); }
    return s;
  };
  const direct = {
    async all(sql, params = []) { return prepare(sql).all(bind(params)); },
    async run(sql, params = []) { return { changes: prepare(sql).run(bind(params)).changes }; },
    async exec(text) { db.exec(text); },
  };
  let tail = Promise.resolve();
  const serial = (fn) => {
    const result = tail.then(fn);
    tail = result.catch(() => {});
    return result;
  };
  return {
    kind: 'sqlite',
    file,
    all: (sql, params) => serial(() => direct.all(sql, params)),
    run: (sql, params) => serial(() => direct.run(sql, params)),
    exec: (text) => serial(() => direct.exec(text)),
    transaction(fn) {
      return serial(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn(direct);
          db.exec('COMMIT');
          return value;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
    },
    async migrationLock() { /* one connection, BEGIN IMMEDIATE: already exclusive */ },
    close: () => serial(async () => { if (db.open) db.close(); }),
  };
}
