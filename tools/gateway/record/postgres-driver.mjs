// The record on PostgreSQL (pg 8.x): for several gateway instances sharing
// one record. Same interface as sqlite-driver.mjs: all(sql, params),
// run(sql, params), exec(text), transaction(fn(tx)), migrationLock(tx),
// close(). The shared SQL uses `?` placeholders, numbered here ($1, $2...).
import pg from 'pg';

const INT8 = 20; // BIGINT columns hold milliseconds: well inside a JS number
const types = { getTypeParser: (oid, format) => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) };
const MIGRATION_LOCK = 5_400_054; // pg_advisory_xact_lock key: one instance migrates at a time

function numbered(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
const bind = (params) => params.map((v) => (v === undefined ? null : v));

function executor(queryable) {
  return {
    async all(sql, params = []) { return (await queryable.query({ text: numbered(sql), values: bind(params), types })).rows; },
    async run(sql, params = []) { return { changes: (await queryable.query({ text: numbered(sql), values: bind(params), types })).rowCount }; },
    async exec(text) { await queryable.query(text); },
  };
}

// `onError(error)`: an idle connection failed (the server went away); the
// pool drops it and the next query opens a new one.
export function openPostgresDriver(url, { max = 4, connectTimeoutMs = 3000, onError = () => {} } = {}) {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: connectTimeoutMs, idleTimeoutMillis: 30_000 });
  pool.on('error', onError);
  return {
    kind: 'postgres',
    ...executor(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const value = await fn(executor(client));
        await client.query('COMMIT');
        return value;
      } catch (error) {
        try { await client.query('ROLLBACK'); } catch { broken = true; }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async migrationLock(tx) { await tx.all('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]); },
    close: () => pool.end(),
  };
}
