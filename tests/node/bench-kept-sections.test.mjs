// docs/benchmarks.md is rewritten whole by `npm run bench`; the sections kept
// by hand (the figures behind docs/decisions/) must survive that rewrite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { carrySections, sectionOf, KEPT_HEADINGS, BENCHMARKS_MD } from '../../tools/bench/doc-section.mjs';

const previous = '# Benchmarks\n\n## Sizes\n\nold sizes\n\n## Earlier measurements\n\nkept 1\n\n### Voice\n\nkept 2\n\n## Checks\n\nold checks\n';
const fresh = '# Benchmarks\n\n## Sizes\n\nnew sizes\n';

test('a rewrite of the report keeps the earlier measurements, word for word', () => {
  const doc = carrySections(previous, fresh);
  assert.equal(sectionOf(doc, '## Earlier measurements'), '## Earlier measurements\n\nkept 1\n\n### Voice\n\nkept 2\n');
  assert.match(doc, /new sizes/);
  assert.doesNotMatch(doc, /old sizes|old checks/, 'only the kept sections come over');
});

test('a kept section the new report already has is not doubled', () => {
  const doc = carrySections(previous, carrySections(previous, fresh));
  assert.equal(doc.split('## Earlier measurements').length, 2);
});

test('nothing to carry from a first report', () => {
  assert.equal(carrySections('', fresh), fresh);
});

test('the committed benchmarks.md has every kept section', () => {
  const doc = readFileSync(BENCHMARKS_MD, 'utf8');
  for (const heading of KEPT_HEADINGS) assert.notEqual(sectionOf(doc, heading), null, heading);
});
