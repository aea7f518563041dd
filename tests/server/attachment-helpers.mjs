// Images and an uploader for the attachment tests: a real PNG (zlib, CRCs)
// of any size, the headers of a JPEG and a WebP (what the gateway reads:
// the magic number and the dimensions; none is decoded), and upload(),
// POST /api/attachment as the widget will send it.
import http from 'node:http';
import { deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

export const newKey = () => randomBytes(24).toString('hex'); // as the widget mints it

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k += 1) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// A width x height RGB PNG of noise from `seed`-free random bytes (so two
// calls give different bytes); `padTo` adds a tEXt chunk up to that size;
// `pixel(x, y)` → [r, g, b] draws a fixed picture instead (screenshots).
export function png(width = 40, height = 30, { padTo = 0, pixel = null } = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  randomBytes(rows.length).copy(rows);
  for (let y = 0; y < height; y += 1) {
    rows[y * (width * 3 + 1)] = 0;
    if (pixel) for (let x = 0; x < width; x += 1) rows.set(pixel(x, y), y * (width * 3 + 1) + 1 + x * 3);
  }
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows))];
  const size = parts.reduce((n, p) => n + p.length, 0) + 12;
  if (padTo > size + 12) parts.push(chunk('tEXt', Buffer.from(`pad\0${'x'.repeat(padTo - size - 12 - 4)}`, 'latin1')));
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

// JFIF APP0, then SOF0 with height and width, then EOI.
export function jpegHeader(width = 64, height = 48) {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

// RIFF/WEBP with a VP8X chunk (canvas width - 1, height - 1 in 24 bits).
export function webpHeader(width = 300, height = 200) {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8X', 8, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return b;
}

// POST /api/attachment. `query`: {conversation_id, message_id, index};
// `key`: the Conversation-Key header (omitted when undefined).
export function upload(baseUrl, { query, key, type = 'image/png', bytes, localAddress = '127.0.0.1' }) {
  const url = new URL('/api/attachment', baseUrl);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  const headers = { 'Content-Type': type, 'Content-Length': bytes.length };
  if (key !== undefined) headers['Conversation-Key'] = key;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}
