// Records what the shim feeds the core in first chats, for the core's split
// (split-core.mjs: the functions these reach ship in the first part, the
// others in the rest; build.mjs splits by the http-* recordings for pages on
// HTTP and by all of them for the live session). Re-run after a change that makes a first chat call new
// core code (tests/browser/core-rest.test.mjs fails then):
//
//   node tools/bundle/build.mjs && node tools/bundle/record-first-chat.mjs
//
// Headless Chromium against the reference server, the demo storefront over
// HTTP (/) and over the live session (/demo/live.html), a first and a
// second page view of each (the second restores the first's conversation):
// open the panel, send "hello", wait for the reply. Each page view is one
// file in tools/bundle/first-chat/: {config, steps: [{event, now}]}, the
// text natter_core_new and natter_core_handle were given, read from the
// page's own WebAssembly exports.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, openStorefront } from '../../tests/browser/harness.mjs';
import { FIRST_CHAT_DIR } from './split-core.mjs';

// Runs in the page before anything else: wraps the core's exports as the
// shim instantiates them, noting the config and every event.
function recordCoreCalls() {
  window.__natterCoreCalls = [];
  const wrap = (instance) => {
    const ex = instance.exports;
    if (!ex.natter_core_handle) return instance;
    const text = (p, n) => new TextDecoder().decode(new Uint8Array(ex.memory.buffer, p, n));
    return {
      exports: {
        ...ex,
        natter_core_new: (p, n) => {
          window.__natterCoreCalls.push({ config: text(p, n) });
          return ex.natter_core_new(p, n);
        },
        natter_core_handle: (core, p, n, now) => {
          window.__natterCoreCalls.push({ event: text(p, n), now: Number(now) });
          return ex.natter_core_handle(core, p, n, now);
        },
      },
    };
  };
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = function (...args) {
    return instantiate.apply(this, args).then((r) => (r.instance ? { module: r.module, instance: wrap(r.instance) } : wrap(r)));
  };
  const streaming = WebAssembly.instantiateStreaming;
  if (streaming) {
    WebAssembly.instantiateStreaming = function (...args) {
      return streaming.apply(this, args).then((r) => ({ module: r.module, instance: wrap(r.instance) }));
    };
  }
}

const stack = await startStack();
try {
  mkdirSync(FIRST_CHAT_DIR, { recursive: true });
  for (const [name, pagePath] of [['http', '/'], ['session', '/demo/live.html']]) {
    await stack.reset();
    for (const view of [1, 2]) {
      const s = await openStorefront(stack, { path: pagePath, onPage: (page) => page.addInitScript(recordCoreCalls) });
      await s.openChat();
      const before = await s.finishedReplies.count();
      await s.textarea.fill('hello');
      await s.textarea.press('Enter');
      await s.finishedReplies.nth(before).waitFor();
      await s.page.waitForTimeout(500);
      const calls = await s.page.evaluate(() => window.__natterCoreCalls);
      const configs = calls.filter((c) => 'config' in c);
      if (configs.length !== 1) throw new Error(`${name} view ${view}: ${configs.length} cores started, expected 1`);
      const steps = calls.filter((c) => 'event' in c).map(({ event, now }) => ({ event, now }));
      const file = path.join(FIRST_CHAT_DIR, `${name}-view${view}.json`);
      writeFileSync(file, `${JSON.stringify({ config: configs[0].config, steps }, null, 1)}\n`);
      console.log(`[record] ${path.relative(process.cwd(), file)}: ${steps.length} events`);
    }
  }
} finally {
  await stack.close();
}
