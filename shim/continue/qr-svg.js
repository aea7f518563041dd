// Draws a QR code as an SVG built node by node (createElementNS and
// setAttribute, no markup string, no style attribute), so it needs neither
// 'unsafe-inline' nor 'unsafe-eval' under the shop's CSP. The encoding is
// qrcode-generator's (pinned in package.json); this file only draws.
import { qrcode } from 'qrcode-generator';

const NS = 'http://www.w3.org/2000/svg';
const QUIET = 4; // the standard's quiet zone, in modules

// An <svg> of `text` (error correction M); `label` names it for assistive tech.
export function drawQr(doc, text, label) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const size = n + 2 * QUIET;
  const svg = doc.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const back = doc.createElementNS(NS, 'rect');
  back.setAttribute('width', String(size));
  back.setAttribute('height', String(size));
  back.setAttribute('fill', '#fff');
  svg.appendChild(back);
  let d = '';
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) if (qr.isDark(r, c)) d += `M${c + QUIET} ${r + QUIET}h1v1h-1z`;
  }
  const dark = doc.createElementNS(NS, 'path');
  dark.setAttribute('d', d);
  dark.setAttribute('fill', '#000');
  svg.appendChild(dark);
  return svg;
}

// The modules as rows of booleans (tests compare them with the encoder's).
export function qrModules(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (__, c) => qr.isDark(r, c)));
}
