// The browser tests' reference server and Chromium (tests/browser/harness.mjs)
// serving the production build, what shops get (sizes.mjs buildProduction),
// for the benches that need the server's test controls or a fake microphone.
// The harness serves dist/, the development build, whose core bundle adds
// the debug panel and its tap on every dispatch. Both resolve to what the
// harness's own functions return, plus distDir: the directory served.
import { startStack, startReferenceServer } from '../../tests/browser/harness.mjs';
import { buildProduction } from './sizes.mjs';

export async function startProductionStack({ server = {}, ...options } = {}) {
  const distDir = await buildProduction();
  return { ...(await startStack({ ...options, server: { distDir, ...server } })), distDir };
}

export async function startProductionServer(options = {}) {
  const distDir = await buildProduction();
  return { ...(await startReferenceServer({ distDir, ...options })), distDir };
}
