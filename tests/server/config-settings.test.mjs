// The gateway's settings table (tools/gateway/config/settings.mjs): the docs
// show exactly it, the code reads no setting missing from it, and reading
// (env over a config file), type checks and the printed effective settings
// (secrets redacted) behave as docs/deploying.md says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTING_NAMES } from '../../tools/gateway/config/settings.mjs';
import { renderSettingsTable, TABLE_END, TABLE_START } from '../../tools/gateway/config/settings-table.mjs';
import { readSettings } from '../../tools/gateway/config/read-settings.mjs';
import { effectiveConfigLines } from '../../tools/gateway/config/effective-config.mjs';
import { modeProblems, storeChoice } from '../../tools/gateway/config/mode-rules.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));

test('docs/deploying.md shows the code\'s settings table, exactly', () => {
  const docs = readFileSync(path.join(repo, 'docs/deploying.md'), 'utf8');
  const start = docs.indexOf(TABLE_START);
  const end = docs.indexOf(TABLE_END);
  assert.ok(start >= 0 && end > start, 'the table\'s markers are in docs/deploying.md');
  assert.equal(docs.slice(start, end + TABLE_END.length), renderSettingsTable(),
    'regenerate it: node tools/gateway/config/settings-table.mjs');
});

function serverSources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.mjs'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

test('every NATTER_ variable the gateway\'s code reads from the environment is in the table', () => {
  const read = new Set();
  for (const file of serverSources(path.join(repo, 'tools/gateway'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/env(?:\.|\[')(NATTER_[A-Z0-9_]+)/g)) read.add(m[1]);
  }
  read.delete('NATTER_CONFIG'); // names the file the settings come from: not itself a setting
  assert.ok(read.size > 10, [...read].join(' '));
  assert.deepEqual([...read].filter((name) => !SETTING_NAMES.has(name)), []);
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-settings-'));

test('a config file gives settings, the environment wins, and file values of any simple type are read like env text', () => {
  const file = path.join(dir, 'gw.json');
  writeFileSync(file, JSON.stringify({
    NATTER_AGENT: 'webhook', PORT: 9000, NATTER_DEMO: false, NATTER_ALLOWED_ORIGINS: ['https://a.example', 'https://b.example'],
  }));
  const { values, env, configFile, problems } = readSettings({ argv: ['--config', file], env: { PORT: '9100', NATTER_AGENT: '' } });
  assert.deepEqual(problems, []);
  assert.equal(configFile, file);
  assert.equal(values.PORT, 9100, 'env wins');
  assert.equal(values.NATTER_AGENT, 'webhook', 'an empty env value is unset: the file\'s stands');
  assert.equal(values.NATTER_DEMO, false);
  assert.deepEqual(values.NATTER_ALLOWED_ORIGINS, ['https://a.example', 'https://b.example']);
  assert.equal(env.NATTER_ALLOWED_ORIGINS, 'https://a.example,https://b.example');
  // NATTER_CONFIG names the file when --config does not
  assert.equal(readSettings({ env: { NATTER_CONFIG: file } }).values.PORT, 9000);
});

test('each type is checked, one problem line per setting, never quoting a secret', () => {
  const { problems } = readSettings({
    env: {
      PORT: '-1', NATTER_TOKEN_SECRET: 'sekrit', NATTER_REDIS_URL: 'redis://:pw@cache:6379/x y', NATTER_TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal',
      NATTER_DEMO: 'yes', NATTER_LOG_FORMAT: 'xml', NATTER_WEBHOOK_URL: 'ftp://shop.example/hook',
    },
  });
  assert.deepEqual(problems.map((line) => line.split(':')[0]).sort(), [
    'NATTER_DEMO', 'NATTER_LOG_FORMAT', 'NATTER_TOKEN_SECRET', 'NATTER_TRUSTED_PROXIES', 'NATTER_WEBHOOK_URL', 'PORT',
  ]);
  assert.ok(problems.every((line) => !line.includes('sekrit')), problems.join('\n'));
  const bad = readSettings({ env: { NATTER_REDIS_URL: 'redis//:hunter2hunter2@cache' } }).problems;
  assert.equal(bad.length, 1);
  assert.doesNotMatch(bad[0], /hunter2/, 'a malformed Redis URL is not quoted: it may hold a password');
});

test('the effective settings: where each came from, secrets, URL passwords and queries redacted', () => {
  const processEnv = {
    NATTER_TOKEN_SECRET: 'a-very-secret-token-0123', NATTER_REDIS_URL: 'redis://user:hunter2@cache:6379',
    NATTER_EVENTS_URL: 'https://hooks.shop.example/natter?key=hunter2',
  };
  const env = { ...processEnv, NATTER_AGENT: 'webhook' };
  const lines = effectiveConfigLines({ env, processEnv, configFile: '/etc/natter.json', all: true });
  assert.ok(lines.includes('config file: /etc/natter.json'));
  assert.ok(lines.includes('NATTER_TOKEN_SECRET=(set, redacted) (env)'), lines.join('\n'));
  assert.ok(lines.includes('NATTER_REDIS_URL=redis://user:redacted@cache:6379 (env)'), lines.join('\n'));
  assert.ok(lines.includes('NATTER_EVENTS_URL=https://hooks.shop.example/natter?redacted (env)'), lines.join('\n'));
  assert.ok(lines.includes('NATTER_AGENT=webhook (config file)'));
  assert.ok(lines.includes('PORT=8787 (default)'));
  assert.ok(lines.every((l) => !l.includes('hunter2') && !l.includes('a-very-secret')), lines.join('\n'));
});

test('Sentinel passwords: redacted in the start-up log, handed to the store apart, refused without sentinels', () => {
  const processEnv = {
    NATTER_REDIS_SENTINELS: '10.0.0.5:26379', NATTER_REDIS_USERNAME: 'natter', NATTER_REDIS_PASSWORD: 'data-hunter2',
    NATTER_REDIS_SENTINEL_PASSWORD: 'sentinel-hunter3',
  };
  const lines = effectiveConfigLines({ env: processEnv, processEnv, configFile: '', all: true });
  assert.ok(lines.includes('NATTER_REDIS_PASSWORD=(set, redacted) (env)'), lines.join('\n'));
  assert.ok(lines.includes('NATTER_REDIS_SENTINEL_PASSWORD=(set, redacted) (env)'), lines.join('\n'));
  assert.ok(lines.every((l) => !l.includes('hunter')), lines.join('\n'));
  const values = { NATTER_STORE: 'redis', NATTER_REDIS_SENTINELS: [{ host: '10.0.0.5', port: 26379 }], NATTER_REDIS_USERNAME: 'natter', NATTER_REDIS_PASSWORD: 'data-hunter2', NATTER_REDIS_SENTINEL_PASSWORD: 'sentinel-hunter3' };
  assert.deepEqual(storeChoice(values).redisSentinel, {
    name: 'natter', nodes: values.NATTER_REDIS_SENTINELS,
    nodeAuth: { username: 'natter', password: 'data-hunter2' }, sentinelAuth: { username: undefined, password: 'sentinel-hunter3' },
  });
  const problems = modeProblems({ NATTER_STORE: 'redis', NATTER_REDIS_URL: 'redis://cache:6379', NATTER_REDIS_PASSWORD: 'x', NATTER_REDIS_SENTINEL_PASSWORD: 'y' }, {}, 'demo', { distDir: repo });
  assert.ok(problems.some((p) => p.startsWith('NATTER_REDIS_PASSWORD: only with NATTER_REDIS_SENTINELS (with NATTER_REDIS_URL put it in the URL')), problems.join('\n'));
  assert.ok(problems.includes('NATTER_REDIS_SENTINEL_PASSWORD: only with NATTER_REDIS_SENTINELS'), problems.join('\n'));
});

test('the record setting: a PostgreSQL password is redacted, off and a SQLite path are shown as given', () => {
  const shown = (value) => effectiveConfigLines({ env: { NATTER_RECORD: value }, processEnv: { NATTER_RECORD: value }, configFile: null, all: false });
  assert.deepEqual(shown('postgres://natter:hunter2@db:5432/natter'), ['NATTER_RECORD=postgres://natter:redacted@db:5432/natter (env)']);
  assert.deepEqual(shown('off'), ['NATTER_RECORD=off (env)']);
  assert.deepEqual(shown('sqlite:/var/lib/natter/record.sqlite'), ['NATTER_RECORD=sqlite:/var/lib/natter/record.sqlite (env)']);
});
