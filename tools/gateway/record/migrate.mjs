// Versioned migrations, applied at start: migrations/NNN-name.sql in
// number order, each in its own transaction together with its row in
// record_migrations, so a crash mid-migration leaves the version before.
// A database whose schema is newer than this gateway knows is refused
// (an older gateway must not write into a schema it does not understand).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const NAME = /^(\d{3})-([a-z0-9-]+)\.sql$/;

export function listMigrations(folder = FOLDER) {
  return fs.readdirSync(folder)
    .map((file) => file.match(NAME))
    .filter(Boolean)
    .map(([file, number, name]) => ({ version: Number(number), name, sql: fs.readFileSync(path.join(folder, file), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

// Resolves { from, to, applied: [versions] }.
export async function migrate(driver, { migrations = listMigrations(), now = Date.now } = {}) {
  await driver.exec(`CREATE TABLE IF NOT EXISTS record_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  const known = migrations.at(-1)?.version ?? 0;
  const applied = [];
  let from = null;
  for (const m of migrations) {
    const done = await driver.transaction(async (tx) => {
      await driver.migrationLock(tx);
      const [{ v }] = await tx.all('SELECT MAX(version) AS v FROM record_migrations');
      const current = v ?? 0;
      if (from === null) from = current;
      if (current > known) {
        throw new Error(`the record database is at schema version ${current}, newer than this gateway knows (${known}): upgrade the gateway`);
      }
      if (current >= m.version) return false;
      await tx.exec(m.sql);
      await tx.run('INSERT INTO record_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now()]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return { from: from ?? 0, to: known, applied };
}
