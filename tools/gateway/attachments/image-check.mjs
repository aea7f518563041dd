// What a shopper's upload really is, read from its bytes (never from the
// Content-Type header alone): a JPEG, PNG or WebP by its magic number, and
// its width and height when the header says them within the first bytes
// (PNG's IHDR, WebP's VP8/VP8L/VP8X chunk, JPEG's first SOF marker). Pure.
//
//   imageType(bytes)       -> 'image/jpeg' | 'image/png' | 'image/webp' | null
//   imageSize(bytes, type) -> { width, height } | null (not found cheaply)

export const IMAGE_TYPES = Object.freeze(['image/jpeg', 'image/png', 'image/webp']);

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SCAN_BYTES = 256 * 1024; // a SOF marker after EXIF and thumbnails; no further

export function imageType(bytes) {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_MAGIC)) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const sane = (width, height) => (width > 0 && height > 0 ? { width, height } : null);

function pngSize(b) {
  if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return sane(b.readUInt32BE(16), b.readUInt32BE(20));
}

function webpSize(b) {
  const chunk = b.length >= 16 ? b.toString('latin1', 12, 16) : '';
  if (chunk === 'VP8 ' && b.length >= 30) return sane(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = b.readUInt32LE(21);
    return sane((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X' && b.length >= 30) return sane(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
  return null;
}

// Walks the JPEG's marker segments to the first start-of-frame (SOF0..15
// but DHT C4, JPG C8, DAC CC), whose segment holds height then width.
function jpegSize(b) {
  const end = Math.min(b.length, JPEG_SCAN_BYTES);
  let at = 2;
  while (at + 9 < end) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker === 0xff) { at += 1; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; } // no length
    const length = b.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return sane(b.readUInt16BE(at + 7), b.readUInt16BE(at + 5));
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

export function imageSize(bytes, type) {
  if (type === 'image/png') return pngSize(bytes);
  if (type === 'image/webp') return webpSize(bytes);
  if (type === 'image/jpeg') return jpegSize(bytes);
  return null;
}
