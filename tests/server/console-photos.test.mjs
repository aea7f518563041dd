// The console's thumbnail rules (tools/gateway/staff/console/photos.js):
// a photo's drawn size keeps its shape within 160×120 and never enlarges
// it (the layout is reserved before the bytes arrive); its alt text says
// what it is, in each of the console's languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { THUMB, thumbSize, photoAlt } from '../../tools/gateway/staff/console/photos.js';
import { CATALOGUES, translator } from '../../tools/gateway/staff/console/text.js';
import { DEFAULT_LIMITS } from '../../tools/gateway/store/limits.mjs';

test('a thumbnail keeps the photo\'s shape inside 160×120 and never enlarges it', () => {
  assert.deepEqual(THUMB, { width: 160, height: 120 });
  assert.deepEqual(thumbSize(640, 480), { width: 160, height: 120 });
  assert.deepEqual(thumbSize(300, 600), { width: 60, height: 120 });
  assert.deepEqual(thumbSize(1600, 400), { width: 160, height: 40 });
  assert.deepEqual(thumbSize(40, 30), { width: 40, height: 30 }, 'a small photo stays small');
  assert.deepEqual(thumbSize(5000, 1), { width: 160, height: 1 }, 'never drawn 0 high');
  assert.deepEqual(thumbSize(null, null), { width: 120, height: 120 }, 'size unknown: a square box');
});

test('the alt text names the type and the size, in English, German and Arabic', () => {
  const photo = { type: 'image/png', width: 640, height: 480 };
  assert.equal(photoAlt(translator('en'), photo), 'Photo from the shopper (png, 640×480)');
  assert.equal(photoAlt(translator('en'), { type: 'image/jpeg', width: null, height: null }), 'Photo from the shopper (jpeg)');
  assert.equal(photoAlt(translator('de'), photo), 'Foto vom Kunden (png, 640×480)');
  assert.match(photoAlt(translator('ar'), photo), /png، 640×480/);
  for (const [lang, words] of Object.entries(CATALOGUES)) {
    for (const key of ['photo.list', 'photo.alt', 'photo.altNoSize', 'photo.gone', 'photo.failed', 'photo.close']) {
      assert.equal(typeof words[key], 'string', `${lang} has ${key}`);
    }
  }
  assert.equal(translator('en')('photo.gone'), 'Photo no longer kept (photos are kept 24 h)');
  assert.equal(DEFAULT_LIMITS.runTtlMs, 24 * 60 * 60 * 1000, 'photos are kept runTtlMs: the placeholder\'s "24 h" changes with it');
});
