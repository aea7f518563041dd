// Downloads the continue chunk (continue-chunk.js) on first use; resolves
// to {drawQr, createContinueSheet, continueSheet}.
import { loadChunk } from '../load-chunk.js';

export function loadContinueChunk({ manifest, base, doc = document, natter = window.natter, timeoutMs = 15000 }) {
  return loadChunk({
    key: 'continue_js',
    hook: '__continue',
    accept: (parts) => (parts && typeof parts.drawQr === 'function' ? parts : undefined),
    manifest, base, doc, natter, timeoutMs,
  });
}
