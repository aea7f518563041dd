// WCAG 2.x colour maths, pure (no DOM): parse a CSS hex or rgb() colour,
// its relative luminance, the contrast ratio of two colours, and the
// readable text colour for a background. Used by theme/resolve.js to keep
// every text/background pair the shop themes at AA (4.5:1) or better.
//
// Only the colour forms a shop is likely to pass are understood: #rgb,
// #rrggbb, rgb(r, g, b) / rgb(r g b). Anything else parses to null and the
// caller keeps its default.

export const AA = 4.5;

// Returns [r, g, b] (0–255 integers) or null.
export function parseColor(value) {
  const text = String(value ?? '').trim().toLowerCase();
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(text);
  if (m) {
    const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }
  m = /^rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})\s*(?:[,/]\s*(?:1|1\.0+|100%)\s*)?\)$/.exec(text);
  if (m) {
    const rgb = m.slice(1, 4).map(Number);
    return rgb.every((c) => c <= 255) ? rgb : null;
  }
  return null;
}

// #rrggbb for an [r, g, b] triple.
export function toHex(rgb) {
  return '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
}

// WCAG relative luminance of a colour string or [r, g, b]; 0 (black) to 1 (white).
export function relativeLuminance(color) {
  const rgb = Array.isArray(color) ? color : parseColor(color);
  if (!rgb) throw new Error(`not a colour: ${JSON.stringify(color)}`);
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// (L1 + 0.05) / (L2 + 0.05) with L1 the lighter; 1 to 21.
export function contrastRatio(a, b) {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

// Black or white, whichever contrasts more with `background`.
export function bestInk(background) {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

// The text colour to use on `background`: `preferred` when it reaches
// `minimum`, else black or white (whichever is higher). `corrected` says
// whether the preferred colour was replaced.
export function readableInk(background, preferred, minimum = AA) {
  if (preferred && contrastRatio(background, preferred) >= minimum) return { ink: preferred, corrected: false };
  return { ink: bestInk(background), corrected: Boolean(preferred) };
}
