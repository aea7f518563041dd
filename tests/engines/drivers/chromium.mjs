// Chromium (Debian's) through playwright-core, as the tests/browser tier.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_NO_WASM_SIMD } from '../../browser/harness.mjs';
import { micArgs } from '../../browser/voice-audio.mjs';
import { consoleRecorder } from './page-common.mjs';

// `hosts`: { names, spkiList, proxyUrl } of the deployment tier's origins
// (tests/engines/deploy.mjs): the names mapped to 127.0.0.1 and their
// certificates trusted by SPKI hash, as tests/deploy/ does.
// `relayOnly`: WebRTC may use TURN relay candidates only (Chromium's policy
// for that sends no UDP of its own: the relay is reached over TCP or TLS).
// `noWasmSimd`: V8 without WASM SIMD (as on a CPU without SSE4.1).
export async function launch({ mic, hosts, relayOnly = false, noWasmSimd = false } = {}) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'natter-engines-chromium-'));
  const extra = mic?.wav ? micArgs(mic.wav) : ['--autoplay-policy=no-user-gesture-required'];
  if (hosts) {
    extra.push(`--host-resolver-rules=${hosts.names.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
      `--ignore-certificate-errors-spki-list=${hosts.spkiList.join(',')}`);
  }
  if (relayOnly) extra.push('--webrtc-ip-handling-policy=disable_non_proxied_udp');
  if (noWasmSimd) extra.push(...CHROMIUM_NO_WASM_SIMD);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extra],
  });
  context.setDefaultTimeout(10_000);
  let current = null;
  return {
    engine: 'chromium',
    can: { keyRepeat: true, consoleFromLoad: true, initScripts: true, relayOnly: true, noWasmSimd: true },
    async open(url, { init } = {}) {
      await current?.close();
      const page = await context.newPage();
      const log = consoleRecorder();
      page.on('console', (m) => log.add(m.type(), m.text()));
      page.on('pageerror', (e) => log.add('error', `uncaught: ${e.message}`));
      if (init) await page.addInitScript(`(${init})()`);
      await page.goto(url);
      current = {
        console: log.lines,
        consoleLines: async () => log.lines,
        evaluate: (fn, ...args) => page.evaluate(`(${fn})(...${JSON.stringify(args)})`),
        async click(x, y, times = 1) { for (let i = 0; i < times; i += 1) await page.mouse.click(x, y); },
        async press(key, times = 1) { for (let i = 0; i < times; i += 1) await page.keyboard.press(key); },
        keyDown: (key) => page.keyboard.down(key),
        keyUp: (key) => page.keyboard.up(key),
        type: (text) => page.keyboard.type(text),
        reload: () => page.reload(),
        screenshot: () => page.screenshot({ animations: 'disabled', caret: 'hide' }),
        close: () => page.close().catch(() => {}),
      };
      return current;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
