// attachments/image-check.mjs: an upload's type from its magic number and
// its dimensions from its header, for each layout a browser's encoder
// writes (PNG IHDR; WebP lossy VP8, lossless VP8L, extended VP8X; JPEG
// baseline or progressive after EXIF and Huffman tables); anything else is
// no type, and a header cut short is no size (never an exception).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageSize, imageType } from '../../tools/gateway/attachments/image-check.mjs';
import { jpegHeader, png, webpHeader } from './attachment-helpers.mjs';

function riff(chunk, payload) {
  const b = Buffer.alloc(20 + payload.length);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(12 + payload.length, 4);
  b.write(`WEBP${chunk}`, 8, 'latin1');
  b.writeUInt32LE(payload.length, 16);
  payload.copy(b, 20);
  return b;
}

function vp8(width, height) {
  const p = Buffer.alloc(10);
  p.set([0x9d, 0x01, 0x2a], 3); // frame tag (3 bytes), then the start code
  p.writeUInt16LE(width, 6);
  p.writeUInt16LE(height, 8);
  return riff('VP8 ', p);
}

function vp8l(width, height) {
  const p = Buffer.alloc(5);
  p[0] = 0x2f;
  p.writeUInt32LE(((width - 1) | ((height - 1) << 14)) >>> 0, 1);
  return riff('VP8L', p);
}

// SOI, APP1 (EXIF of `exif` bytes), DHT, SOF`n`, EOI.
function jpeg(width, height, { sof = 0xc0, exif = 1000 } = {}) {
  const app1 = Buffer.alloc(4 + exif);
  app1.set([0xff, 0xe1, (exif + 2) >> 8, (exif + 2) & 255]);
  const dht = Buffer.from([0xff, 0xc4, 0x00, 0x04, 0x00, 0x00]);
  const frame = Buffer.from([0xff, sof, 0x00, 0x0b, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, dht, frame, Buffer.from([0xff, 0xd9])]);
}

test('each layout gives its type and its width and height', () => {
  const cases = [
    [png(40, 30), 'image/png', { width: 40, height: 30 }],
    [jpegHeader(64, 48), 'image/jpeg', { width: 64, height: 48 }],
    [jpeg(4032, 3024), 'image/jpeg', { width: 4032, height: 3024 }],
    [jpeg(1280, 960, { sof: 0xc2 }), 'image/jpeg', { width: 1280, height: 960 }],
    [vp8(800, 600), 'image/webp', { width: 800, height: 600 }],
    [vp8l(1024, 768), 'image/webp', { width: 1024, height: 768 }],
    [webpHeader(300, 200), 'image/webp', { width: 300, height: 200 }],
  ];
  for (const [bytes, type, size] of cases) {
    assert.equal(imageType(bytes), type);
    assert.deepEqual(imageSize(bytes, type), size, type);
  }
});

test('not an image is no type; a header cut short is no size', () => {
  for (const text of ['<svg onload="alert(1)"/>', '<!doctype html><script>', 'GIF89a', '', 'RIFF\0\0\0\0WAVE']) {
    assert.equal(imageType(Buffer.from(text, 'latin1')), null, text);
  }
  assert.equal(imageType(Buffer.from([0xff, 0xd8])), null);
  assert.equal(imageSize(png(40, 30).subarray(0, 20), 'image/png'), null);
  assert.equal(imageSize(jpeg(64, 48).subarray(0, 600), 'image/jpeg'), null);
  assert.equal(imageSize(vp8(8, 8).subarray(0, 25), 'image/webp'), null);
  assert.equal(imageSize(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]), 'image/jpeg'), null);
});
