// Downloads the continue chunk (continue-chunk.js) on first use; resolves
// to {drawQr, createContinueSheet, continueSheet}.
import { chunkLoader, partsWith } from '../load-chunk.js';

export const loadContinueChunk = chunkLoader({
  key: 'continue_js', hook: '__continue', accept: partsWith('drawQr'), timeoutMs: 15000,
});
