// Shared set-up for the headless-Chromium suites: a reference server on a
// free loopback port with test controls, and Debian's Chromium driven by
// playwright-core (never a downloaded browser). Tests observe the network
// (page 'request' events and the server's own counters), not the widget's.
//
// Per file: `const stack = await startStack()` in before(), `stack.close()`
// in after(), `await stack.reset()` before each test (idempotency records,
// counters and queued faults; earlier tabs closed). Per test: `const s = await openStorefront(stack)`
// gives a fresh tab; end the test with `s.assertClean([...expected])`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/gateway/server.mjs';
import { CONTROL_HEADER } from '../../tools/gateway/testing/control-guard.mjs';
import { repoRoot } from '../node/load-core.mjs';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Chromium without WASM SIMD, as Safari before 16.4: V8 offers it only on
// CPUs with SSE4.1, and this flag makes it act as on one without (pages
// and workers alike).
export const CHROMIUM_NO_WASM_SIMD = ['--js-flags=--no-enable-sse4-1'];

// The reference server on a free loopback port with test controls, serving
// dist/ (or options.distDir: the benches' production build) and web/; shared
// by every browser tier (tests/engines/ drives other engines against it).
// `options`: more startServer options (releaseDir, pageHeaders, …).
export async function startReferenceServer({ tokenDelayMs = 5, distDir = path.join(repoRoot, 'dist'), ...serverOptions } = {}) {
  if (!existsSync(path.join(distDir, 'natter.js'))) throw new Error(`${distDir} has no natter.js: run npm run build`);
  const serverLog = [];
  const server = await startServer({
    host: '127.0.0.1', port: 0, distDir, webDir: path.join(repoRoot, 'web'),
    testControls: true, tokenDelayMs, log: (line) => serverLog.push(line), ...serverOptions,
  });
  const controls = {
    server, serverLog,
    async control(pathname, body) {
      const res = await fetch(server.url.replace(/\/$/, '') + pathname, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'Content-Type': 'application/json', [CONTROL_HEADER]: '1' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json();
    },
    stats: () => controls.control('/__natter/stats'),
    // Clears the server's records, counters and queued faults.
    resetServer: () => controls.control('/__natter/reset', {}),
    faults: (...chat) => controls.control('/__natter/faults', { chat }),
    // Live-session faults (tools/gateway/testing/session-faults.mjs), one per upgrade.
    sessionFaults: (...session) => controls.control('/__natter/faults', { session }),
    // Drops every live-session WebSocket as a crash would (clients see 1006).
    killSessions: () => controls.control('/__natter/session/kill', {}),
  };
  return controls;
}

// Debian's Chromium in a fresh profile; close() also removes the profile.
export async function launchChromium(extraArgs = []) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'natter-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  context.setDefaultTimeout(10_000); // fail fast; nothing here should take seconds
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// `server`: more startServer options (releaseDir, pageHeaders, …).
export async function startStack({ tokenDelayMs = 5, extraArgs = [], server: serverOptions = {} } = {}) {
  const controls = await startReferenceServer({ tokenDelayMs, ...serverOptions });
  const { server } = controls;
  const browser = await launchChromium(extraArgs);
  const { context } = browser;
  const stack = {
    ...controls, context,
    // A fresh start for the next test: closes the tabs earlier tests opened,
    // then clears the server's records, counters and queued faults.
    async reset() {
      await Promise.all(context.pages().map((p) => p.close()));
      return controls.resetServer();
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
  return stack;
}

// Opens the demo storefront (or `path`: '/demo/live.html' is the same shop
// with data-transport="session") in a fresh tab and records what the page
// logs, sends and pops up. `onPage(page)` runs before the navigation (to
// listen for things the page does while loading, e.g. WebSockets). Requests to anything but the reference server are
// listed in `offsite` (the suite must stay on loopback; assertClean checks).
// `path` may be a whole URL (a shop page on another origin, which then
// counts as on site too).
export async function openStorefront(stack, { path: pagePath = '/', onPage } = {}) {
  const page = await stack.context.newPage();
  if (onPage) await onPage(page);
  const origin = new URL(stack.server.url).origin;
  // A deployment stack (tests/deploy/three-origins.mjs) spans three origins
  // and posts chat to the agent's; a shop page on its own origin is on site.
  const allowed = [...(stack.allowedOrigins ?? [origin]), new URL(pagePath, stack.server.url).origin];
  const chatUrl = `${stack.apiOrigin ?? origin}/api/chat`;
  const consoleLines = [];
  const problems = []; // {text, url}: console errors and warnings, uncaught page errors
  const chatRequests = []; // {key, body, at}: POST /api/chat as Chromium sent them
  const requests = []; // every URL the page asked for
  const dialogs = [];
  const offsite = [];
  page.on('console', (m) => {
    consoleLines.push(m.text());
    if (m.type() === 'error' || m.type() === 'warning') problems.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (err) => problems.push({ text: `uncaught: ${err.message}`, url: '' }));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => {
    requests.push(r.url());
    if (!allowed.includes(new URL(r.url()).origin)) offsite.push(r.url());
    if (r.url() === chatUrl && r.method() === 'POST') {
      chatRequests.push({ key: r.headers()['idempotency-key'], body: JSON.parse(r.postData()), at: Date.now() });
    }
  });
  await page.goto(new URL(pagePath, stack.server.url).href);

  const widget = page.locator('natter-widget');
  const session = {
    page, widget, consoleLines, problems, chatRequests, requests, dialogs, offsite,
    launcher: widget.locator('button.launcher'),
    panel: widget.getByRole('dialog'),
    textarea: widget.getByLabel('Your message'),
    sendButton: widget.getByRole('button', { name: 'Send', exact: true }),
    composerError: widget.locator('#natter-error'),
    userBubbles: widget.locator('li.msg.user'),
    agentBubbles: widget.locator('li.msg.agent'),
    finishedReplies: widget.locator('li.msg.agent[aria-busy="false"]'),
    // Opens the panel with the launcher and waits until the core drew the composer.
    async openChat() {
      await session.launcher.click();
      await session.textarea.waitFor({ state: 'visible' });
    },
    linesMatching: (text) => consoleLines.filter((line) => line === text),
    // Fails on any console error/warning or page error not listed in
    // `expected` ({text, url}: exact text, and a URL ending the source's
    // URL), on any dialog, and on any request that left the reference server.
    assertClean(expected = []) {
      assert.deepEqual(dialogs, [], 'no dialog may open');
      assert.deepEqual(offsite, [], 'no request may leave the reference server');
      const unexpected = problems.filter((p) =>
        !expected.some((e) => e.text === p.text && (e.url === undefined || p.url.endsWith(e.url))));
      assert.deepEqual(unexpected, [], 'unexpected console errors/warnings:\n' + JSON.stringify(unexpected, null, 1));
    },
  };
  return session;
}

// Records every securitypolicyviolation in window.__cspViolations
// ({directive, blocked, sample}), from the first byte of every page and
// frame of `context` (composed events from inside the shadow root reach
// window in the capture phase). Read it with cspViolations(page or frame).
export function recordCspViolations(context) {
  return context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    window.addEventListener('securitypolicyviolation', (e) => {
      seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    }, true);
  });
}
export const cspViolations = (pageOrFrame) => pageOrFrame.evaluate(() => window.__cspViolations);

// What Chromium itself logs when a fetch to /api/chat fails; tests that
// cause that on purpose list these as expected.
export const CHROMIUM_LOGS = {
  emptyResponse: { text: 'Failed to load resource: net::ERR_EMPTY_RESPONSE', url: '/api/chat' },
  status503: {
    text: 'Failed to load resource: the server responded with a status of 503 (Service Unavailable)',
    url: '/api/chat',
  },
};

// Polls `probe` (sync or async) until it returns without throwing, and
// returns its value; after `timeout` ms, throws the last failure. For
// conditions that are not in the page (the server's counters).
export async function eventually(probe, { timeout = 5000, every = 25 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, every));
    }
  }
}
