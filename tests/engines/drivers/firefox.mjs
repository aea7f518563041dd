// Firefox ESR (Debian's firefox-esr) through puppeteer-core over WebDriver
// BiDi. puppeteer-core never downloads a browser; executablePath is Debian's.
// Fake media: Firefox's own fake streams (a tone), permission prompts off,
// autoplay allowed (the greeting plays without a gesture, as Chromium's
// --autoplay-policy flag does there).
import puppeteer from 'puppeteer-core';
import { consoleRecorder } from './page-common.mjs';

const PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
  // A mock audio backend: with no sound device (CI), Firefox's AudioContext
  // otherwise never starts (resume() never settles; see CONTRIBUTING.md).
  'media.cubeb.force_mock_context': true,
  'browser.shell.checkDefaultBrowser': false,
};
const KEYS = { Enter: 'Enter', Tab: 'Tab', Escape: 'Escape', Shift: 'Shift' };

// `hosts` (the deployment tier's origins, tests/engines/deploy.mjs): every
// name resolves to 127.0.0.1 (network.dns.forceResolve) and the throwaway
// CA's certificates are accepted (WebDriver's acceptInsecureCerts).
// `relayOnly`: WebRTC may use TURN relay candidates only, as behind a
// firewall that lets nothing else through (stories/voice-relay.mjs). The
// test's relay listens on loopback, which Firefox's ICE leaves alone unless
// media.peerconnection.ice.loopback is on (without it: no allocation, "ICE
// failed", the call on the WebSocket); a shop's relay is never on loopback.
export async function launch({ hosts, relayOnly = false } = {}) {
  const prefs = { ...PREFS };
  if (hosts) prefs['network.dns.forceResolve'] = '127.0.0.1';
  if (relayOnly) Object.assign(prefs, { 'media.peerconnection.ice.relay_only': true, 'media.peerconnection.ice.loopback': true });
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true,
    extraPrefsFirefox: prefs,
    acceptInsecureCerts: Boolean(hosts), protocolTimeout: 30_000,
    defaultViewport: { width: 1280, height: 720 }, // as Playwright's Chromium: the same panel in every engine
  });
  let current = null;
  return {
    engine: 'firefox',
    can: { keyRepeat: true, consoleFromLoad: true, initScripts: true, relayOnly: true, noWasmSimd: false },
    async open(url, { init } = {}) {
      await current?.close();
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const log = consoleRecorder();
      page.on('console', (m) => log.add(m.type(), m.text()));
      page.on('pageerror', (e) => log.add('error', `uncaught: ${e.message}`));
      if (init) await page.evaluateOnNewDocument(`(${init})()`);
      await page.goto(url);
      current = {
        console: log.lines,
        consoleLines: async () => log.lines,
        evaluate: (fn, ...args) => page.evaluate(`(${fn})(...${JSON.stringify(args)})`),
        async click(x, y, times = 1) { for (let i = 0; i < times; i += 1) await page.mouse.click(x, y); },
        async press(key, times = 1) { for (let i = 0; i < times; i += 1) await page.keyboard.press(KEYS[key] ?? key); },
        keyDown: (key) => page.keyboard.down(KEYS[key] ?? key),
        keyUp: (key) => page.keyboard.up(KEYS[key] ?? key),
        type: (text) => page.keyboard.type(text),
        reload: () => page.reload(),
        screenshot: async () => Buffer.from(await page.screenshot({ type: 'png' })),
        close: () => page.close().catch(() => {}),
      };
      return current;
    },
    close: () => browser.close().catch(() => {}),
  };
}
