// Releases with the live session, as shops run them (three-origins.mjs):
// two releases published on the CDN origin by the release tool, the
// gateway deployed with the channel's release (its welcome names that
// build). A page pinned to 1.0.0 while the channel serves 1.0.1 stays on
// 1.0.0 through 60 s of reconnects, never reloading; a channel moved from
// A to B reloads an idle page once, which then runs B and stays; a rollback
// from B to A does the same, without a loop; a gateway that no longer
// serves the page's release reloads it once, then says so. Every reload is
// counted as a navigation of the tab's main frame.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../browser/harness.mjs';
import { openConnected, type } from '../browser/session-helpers.mjs';
import { startThreeOrigins } from './three-origins.mjs';

const A = '1.0.0';
const B = '1.0.1';
const PINNED_FOR_MS = 60_000;
// Each connection stays up this long before the next cut (the scenario:
// a flaky network; shorter-lived sockets make the widget diagnose a proxy).
const UP_FOR_MS = 5_000;
let stack;
before(async () => {
  stack = await startThreeOrigins({ versions: [A, B] });
  stack.page('/live.html', { csp: stack.csp.strict, data: { transport: 'session' } });
  stack.page('/pinned.html', { csp: stack.csp.strict, data: { transport: 'session', version: A } });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const runs = (version) => ({ version, build: stack.release.manifests[version].build });
const welcomes = (s) => s.sockets.flatMap((w) => w.received.filter((f) => f.type === 'welcome'));

// Opens `path` connected, counting the tab's reloads (navigations of its
// main frame after the first) in s.reloads. With `noReload`, a reload
// before the page is connected fails at once instead of timing out.
async function openCounted(path, { noReload = false } = {}) {
  let reloads = -1;
  let failReload;
  const reloaded = new Promise((_, reject) => { failReload = reject; });
  reloaded.catch(() => {});
  const onPage = (page) => page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    reloads += 1;
    if (s) s.reloads = reloads;
    if (reloads > 0) failReload(new assert.AssertionError({ message: `the page reloaded while opening (${reloads}x)` }));
  });
  let s = null;
  s = await Promise.race([openConnected(stack, { path, onPage }), ...(noReload ? [reloaded] : [])]);
  s.reloads = reloads;
  return s;
}

// Drops the gateway's end of every session and waits until this page has
// been welcomed on one more socket than before (or reloaded: the caller checks).
async function reconnect(s) {
  const before = welcomes(s).length;
  const reloadsBefore = s.reloads;
  await stack.killSessions();
  await eventually(() => assert.ok(welcomes(s).length > before || s.reloads > reloadsBefore, 'welcomed again'),
    { timeout: 20_000, every: 50 });
}

// After a reload: the release the page runs once its core is up, connected again.
async function afterReload(s) {
  await s.page.waitForLoadState('load');
  await s.widget.locator('button.launcher').waitFor();
  const running = await eventually(async () => {
    const v = await s.page.evaluate(() => window.natter?.('version'));
    assert.ok(v?.version, 'the core resolved its release');
    return v;
  }, { timeout: 20_000 });
  if (!(await s.textarea.isVisible())) await s.openChat();
  await s.waitForStatus('Connected', 20_000);
  return running;
}

test(`a page pinned to ${A} while the channel and gateway serve ${B} stays on ${A} through 60 s of reconnects`,
  async () => {
    stack.release.promote(B);
    const s = await openCounted('/pinned.html', { noReload: true });
    assert.deepEqual(await s.page.evaluate(() => window.natter('version')), runs(A));
    assert.equal(welcomes(s)[0].build, runs(B).build, 'the gateway names the other build');
    const started = Date.now();
    let reconnects = 0;
    while (Date.now() - started < PINNED_FOR_MS) {
      await new Promise((r) => setTimeout(r, UP_FOR_MS));
      await reconnect(s);
      assert.equal(s.reloads, 0, `no reload (after ${reconnects + 1} reconnects)`);
      await s.waitForStatus('Connected', 20_000);
      reconnects += 1;
    }
    assert.ok(reconnects >= 5, `reconnected ${reconnects} times`);
    assert.deepEqual(await s.page.evaluate(() => window.natter('version')), runs(A));
    await type(s, 'still here?');
    await s.finishedReplies.first().waitFor();
    s.assertClean();
  });

for (const [from, to, name] of [[A, B, 'moved'], [B, A, 'rolled back']]) {
  test(`a channel ${name} from ${from} to ${to} reloads an idle page once, which runs ${to} and stays`, async () => {
    stack.release.promote(from);
    const s = await openCounted('/live.html');
    assert.deepEqual(await s.page.evaluate(() => window.natter('version')), runs(from));

    stack.release.promote(to); // the CDN's channel and the gateway move together
    await reconnect(s);
    await eventually(() => assert.equal(s.reloads, 1, 'reloaded'), { timeout: 20_000 });
    assert.deepEqual(await afterReload(s), runs(to));
    assert.equal(welcomes(s).at(-1).build, runs(to).build);

    // No loop: more reconnects, no second reload.
    for (let i = 0; i < 2; i += 1) {
      await reconnect(s);
      await s.waitForStatus('Connected', 20_000);
    }
    assert.equal(s.reloads, 1, 'one reload, not a loop');
    await type(s, 'do you have PS5 games?');
    await s.finishedReplies.first().waitFor();
    const releaseFiles = s.requests.filter((u) => u.startsWith(`${stack.origins.cdn}/v/`)).map((u) => new URL(u).pathname);
    assert.ok(releaseFiles.some((p) => p.startsWith(`/v/${to}/`)), releaseFiles.join(' '));
  });
}

test(`a gateway that no longer serves ${B} reloads the page once, then says so instead of looping`,
  async () => {
    stack.release.promote(B);
    const s = await openCounted('/live.html');
    assert.deepEqual(await s.page.evaluate(() => window.natter('version')), runs(B));
    // What the gateway serves from the next hello on (h-reload's test control).
    const served = await stack.control('/__natter/session/serves', { min_client: '9.0.0' });
    assert.equal(served.min_client, '9.0.0');
    await reconnect(s);
    await eventually(() => assert.equal(s.reloads, 1, 'reloaded once'), { timeout: 20_000 });
    // The reloaded page gets the same answer; the guard (one reload per tab
    // per 10 minutes) keeps it from reloading again: it says so instead.
    await s.page.waitForLoadState('load');
    await s.widget.locator('button.launcher').waitFor();
    if (!(await s.textarea.isVisible())) await s.openChat();
    await s.widget.locator('.status-text', { hasText: /no longer supports/ }).waitFor({ timeout: 20_000 });
    assert.equal(s.reloads, 1, 'no second reload');
    assert.ok(s.problems.some((p) => p.text.startsWith('[natter]') && /pin|channel/.test(p.text)), 'the console names the fix');
  });
