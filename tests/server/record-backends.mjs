// The record's two databases for tests that run on both: SQLite (a file in
// a temporary folder) and PostgreSQL (a throwaway cluster of its own on a
// free loopback port, tools/postgres/postgres-server.mjs, stopped after).
// Each backend's fresh() names a new, empty database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPostgres } from '../../tools/postgres/postgres-server.mjs';

export const RECORD_BACKENDS = {
  sqlite: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-record-'));
    let n = 0;
    return {
      fresh: async () => ({ kind: 'sqlite', file: path.join(dir, `r${++n}.sqlite`) }),
      stop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
  postgres: async () => {
    const server = await startPostgres();
    let n = 0;
    return {
      server,
      fresh: async () => {
        const name = `r${++n}`;
        const admin = new pg.Client({ connectionString: server.url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        return { kind: 'postgres', url: server.url.replace(/\/postgres$/, `/${name}`) };
      },
      stop: async () => server.stop(),
    };
  },
};
