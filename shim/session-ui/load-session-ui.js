// Downloads the session UI chunk (session-ui-chunk.js) with a script tag
// (../load-chunk.js); resolves to {createSessionUi}.
import { chunkLoader, partsWith } from '../load-chunk.js';

export const loadSessionUi = chunkLoader({
  key: 'session_ui_js', hook: '__sessionUi', accept: partsWith('createSessionUi'), timeoutMs: 15000,
});
