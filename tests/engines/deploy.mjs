// The deployment tier's stories in every engine: the shop's page on
// https://shop.test, the widget from the CDN release folder (nginx) on
// https://cdn.test, the gateway behind HAProxy on https://agent.test (wss://),
// certificates from a throwaway CA (tests/deploy/three-origins.mjs). The
// stories are the engine tier's own (stories/), run unchanged on pages the
// shop serves at the same paths. Each engine reaches
// the names its own way (drivers/: Chromium's host-resolver rules,
// Firefox's forceResolve pref, WebKitGTK through test-hosts-proxy.mjs).
import { describe, before, after, beforeEach } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { startThreeOrigins, HOSTS, VERSION } from '../deploy/three-origins.mjs';
import { widgetOn } from './widget.mjs';
import { LIVE_PAGE } from '../browser/session-helpers.mjs';
import { startHostsProxy } from './drivers/test-hosts-proxy.mjs';
import { registerStory, speechForChromium, STORY_GROUPS } from './run-engine.mjs';
import { CONVERSATIONS_PAGE } from './stories/conversations.mjs';
import { startRelay, relayConfig } from './stories/voice-relay.mjs';
import { NO_WASM_PAGE } from './stories/csp.mjs';

// [group, story name]: what a shop's deployment changes (origins, TLS, the
// CDN, the proxy in front of the gateway, the shop's CSP) meets each of these.
const DEPLOY_STORIES = [
  ['text', 'five rapid Enters send the message once'],
  ['text', 'five rapid clicks on Send send the message once'],
  ['csp', 'strict CSP: opening the panel and a chat round trip cause no violation'],
  ['csp', 'strict CSP, live page: a voice call (chunk, worker, worklets) causes no violation'],
  ['csp', "no 'wasm-unsafe-eval': one error names the directive, the core runs in a frame from the widget's origin, and the chat works"],
  ['voice', "a voice call with the engine's fake microphone: the greeting plays, the gateway hears audio, End frees the mic"],
  ['voice', 'an engine without WASM SIMD (as Safari before 16.4): the call runs on the scalar codec build, the gateway hears audio'],
  ['conversations', 'A, then B, then back to A: each keeps its transcript and its own session, the agent ran once per message, a reload keeps the list'],
  ['core failure', 'the core fails while a reply streams: a new core resumes the session, the reply is shown once, whole, and the agent ran once'],
  ['voice relay', 'relay only: the call runs through TURN over TCP on credentials the gateway minted, with audio both ways'],
];

// That the stories above really ran as deployed: the page on the shop's
// origin in a secure context, the widget and its core from the CDN's
// release layout (the release's version, which only the CDN serves), and
// the live session up through the agent's origin (the page's only endpoint).
const onThreeOrigins = {
  name: "the page is the shop's, the widget the CDN's release, the session through the agent's origin",
  async run({ browser, stack }) {
    const page = await browser.open(new URL(LIVE_PAGE, stack.server.url).href);
    const w = widgetOn(page);
    await w.openChat();
    await w.waitConnected();
    const seen = await page.evaluate(() => ({
      origin: location.origin,
      secure: window.isSecureContext,
      endpoint: document.querySelector('script[data-endpoint]').dataset.endpoint,
      resources: performance.getEntriesByType('resource').map((e) => e.name),
    }));
    assert.equal(seen.origin, stack.origins.shop);
    assert.equal(seen.secure, true);
    assert.equal(seen.endpoint, stack.origins.agent);
    const fromCdn = seen.resources.filter((u) => u.startsWith(`${stack.origins.cdn}/`)).map((u) => new URL(u).pathname);
    assert.ok(fromCdn.includes('/natter.js'), fromCdn.join(' '));
    assert.ok(fromCdn.some((p) => new RegExp(`^/v/${VERSION}/natter\\.coresession\\.[0-9a-f]{12}\\.wasm$`).test(p)), fromCdn.join(' '));
    assert.equal((await page.evaluate(() => window.natter('version'))).version, VERSION);
    await w.assertClean();
  },
};

export function runDeployStories(engine) {
  describe(`${engine} · three HTTPS origins`, () => {
    // launch(options): another browser of this engine reaching the tier's
    // names, for the relay story (a relay-only one).
    const env = { engine, browser: null, stack: null, launch: null };
    const dir = mkdtempSync(path.join(tmpdir(), `natter-engines-deploy-${engine}-`));
    let proxy = null;
    let turn = null;
    before(async () => {
      // The shop's relay: the gateway mints its credentials (voice.rtc_config
      // through wss:// on the agent's origin); a browser that may use direct
      // paths still takes them (the voice story checks webrtc_direct).
      turn = await startRelay();
      const stack = await startThreeOrigins({ chromium: false, rtc: relayConfig(turn) });
      stack.turn = turn; // the relay story uses this tier's gateway and relay
      const { strict, noWasm } = stack.csp;
      // As the engine tier's own server: '/' and the live page without a
      // policy (WebKitGTK's WebDriver cannot evaluate its scripts in a page
      // whose policy refuses eval), /csp/ under the shop's strict policy.
      stack.page('/');
      stack.page(LIVE_PAGE, { data: { transport: 'session' } });
      stack.page(CONVERSATIONS_PAGE, { data: { transport: 'session', conversations: 'multiple' } });
      stack.page('/csp/', { csp: strict });
      stack.page(`/csp${LIVE_PAGE}`, { csp: strict, data: { transport: 'session' } });
      stack.page(NO_WASM_PAGE, { csp: noWasm });
      stack.strictCsp = strict; // what stories/csp.mjs checks the pages are under
      stack.noWasmCsp = noWasm;
      env.stack = stack;
      if (engine === 'webkit') proxy = await startHostsProxy(Object.values(HOSTS));
      const certs = { names: Object.values(HOSTS), spkiList: stack.spkiList, proxyUrl: proxy?.url };
      const { launch } = await import(`./drivers/${engine}.mjs`);
      const mic = engine === 'chromium' ? { wav: speechForChromium(dir) } : {};
      env.launch = (options) => launch({ mic, hosts: certs, ...options });
      env.browser = await env.launch();
    });
    after(async () => {
      await env.browser?.close();
      await env.stack?.close();
      await turn?.stop();
      await proxy?.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => env.stack.resetServer());
    registerStory(`${engine} · three origins: ${onThreeOrigins.name}`, onThreeOrigins, env);
    for (const [group, name] of DEPLOY_STORIES) {
      const story = STORY_GROUPS[group].find((s) => s.name === name);
      if (!story) throw new Error(`no ${group} story named "${name}"`);
      registerStory(`${engine} · three origins · ${group}: ${story.name}`, story, env);
    }
  });
}
