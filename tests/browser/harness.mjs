// Shared set-up for the headless-Chromium suites: a reference server on a
// free loopback port with test controls, and Debian's Chromium driven by
// playwright-core (never a downloaded browser). Tests observe the network
// (page 'request' events and the server's own counters), not the widget's.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/server/server.mjs';
import { repoRoot } from '../node/load-core.mjs';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function startStack({ tokenDelayMs = 5, extraArgs = [] } = {}) {
  const distDir = path.join(repoRoot, 'dist');
  if (!existsSync(path.join(distDir, 'natter.js'))) throw new Error('dist/ missing: run npm run build');
  const serverLog = [];
  const server = await startServer({
    host: '127.0.0.1', port: 0, distDir, webDir: path.join(repoRoot, 'web'),
    testControls: true, tokenDelayMs, log: (line) => serverLog.push(line),
  });
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'natter-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    server, context, serverLog,
    async control(pathname, body) {
      const res = await fetch(server.url.replace(/\/$/, '') + pathname, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json();
    },
    async close() {
      await context.close().catch(() => {});
      await server.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Opens the demo storefront and records what the page logs and sends.
export async function openStorefront(stack) {
  const page = await stack.context.newPage();
  const consoleLines = [];
  const chatRequests = [];
  const dialogs = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => {
    if (r.url().endsWith('/api/chat') && r.method() === 'POST') {
      chatRequests.push({ key: r.headers()['idempotency-key'], body: r.postData() });
    }
  });
  await page.goto(stack.server.url);
  return { page, consoleLines, chatRequests, dialogs };
}
