// tools/bundle/precompress.mjs keeps each compressed sibling under the hash
// of its input: a build that compresses the same bytes again reads them
// back, identical to compressing anew, and a damaged entry is made again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const cache = mkdtempSync(path.join(tmpdir(), 'natter-precompress-'));
process.env.NATTER_CACHE = cache;
const { withSiblings, ENCODINGS } = await import('../../tools/bundle/precompress.mjs');

const entries = () => readdirSync(path.join(cache, 'precompressed'), { recursive: true })
  .map((name) => path.join(cache, 'precompressed', name)).filter((f) => statSync(f).isFile());

// Compressible but not trivially: a text with some randomness in it.
const input = Buffer.from(Array.from({ length: 400 }, (_, i) => `line ${i} ${randomBytes(4).toString('hex')}\n`).join(''));

test('a second build of the same bytes reads the cache and gets what compressing anew gives', () => {
  const first = withSiblings('a.js', input);
  assert.equal(entries().length, ENCODINGS.length, 'one entry per encoding');
  const again = withSiblings('b.js', input);
  const fresh = [['b.js', input], ...ENCODINGS.map((e) => [`b.js${e.suffix}`, e.compress(input)])];
  assert.deepEqual(again, fresh);
  assert.deepEqual(first.slice(1).map(([, d]) => d), fresh.slice(1).map(([, d]) => d));
  for (const e of ENCODINGS) assert.ok(e.decompress(again.find(([n]) => n === `b.js${e.suffix}`)[1]).equals(input));
});

test('an entry is used only when it decodes to the input: a damaged one is made again', () => {
  withSiblings('c.js', input);
  const files = entries();
  const cached = files.map((f) => readFileSync(f));
  for (const f of files) writeFileSync(f, Buffer.from('not compressed at all'));
  const out = withSiblings('c.js', input);
  for (const e of ENCODINGS) assert.ok(e.decompress(out.find(([n]) => n === `c.js${e.suffix}`)[1]).equals(input), e.name);
  assert.deepEqual(entries().map((f) => readFileSync(f)), cached, 'the entries were written again');
});

test('a valid entry is what the build ships: it is read, not made again', async () => {
  const { gzipSync } = await import('node:zlib');
  const other = Buffer.concat([input, Buffer.from('another file\n')]);
  withSiblings('d.js', other);
  const gunzip = ENCODINGS.find((e) => e.name === 'gzip').decompress;
  const gz = entries().find((f) => { try { return gunzip(readFileSync(f)).equals(other); } catch { return false; } });
  assert.ok(gz, 'the gzip entry of the new file');
  const planted = gzipSync(other, { level: 1 }); // decodes to the same bytes, but is not zopfli's
  writeFileSync(gz, planted);
  assert.ok(withSiblings('d.js', other).find(([n]) => n === 'd.js.gz')[1].equals(planted));
});
