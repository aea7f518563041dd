// The widget looks like the shop and speaks the shopper's language, in
// Chromium under a strict CSP: theme precedence, the contrast correction
// and its one warning, the Arabic catalogue downloaded alone and mirrored,
// pseudo-localised strings that fit at 360 px, no focus stolen on load.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { openWidgetPage, pseudoLocalise } from './widget-page.mjs';
import { english } from './english.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack.close());
beforeEach(() => stack.reset());

// Computed colours of the launcher and the panel's accent controls.
const colours = (page) => page.evaluate(() => {
  const root = document.querySelector('natter-widget').shadowRoot;
  const c = (sel) => { const s = getComputedStyle(root.querySelector(sel)); return [s.backgroundColor, s.color]; };
  return { launcher: c('.launcher'), send: c('.send'), head: c('.head') };
});

test('a yellow accent with white text is drawn with black text, and the shop is warned once', async () => {
  const w = await openWidgetPage(stack, { init: { accent: '#ffff00', accentText: '#ffffff' } });
  await w.ready();
  await w.openChat();
  const got = await colours(w.page);
  for (const [name, [bg, fg]] of Object.entries(got)) {
    assert.equal(bg, 'rgb(255, 255, 0)', name);
    assert.equal(fg, 'rgb(0, 0, 0)', name);
  }
  const warnings = w.problems.filter((p) => /theme colours below WCAG AA/.test(p));
  assert.equal(warnings.length, 1, JSON.stringify(w.problems));
  assert.deepEqual(w.problems, warnings, 'nothing else complained');
});

test('init wins over data-*, data-* over the defaults; the launcher moves to the left', async () => {
  const w = await openWidgetPage(stack, {
    data: { title: 'Tag title', accent: '#0b6e4f', position: 'bottom-left', agentName: 'Ana' },
    init: { title: 'Init title', launcherLabel: 'Ask Ana', offsetX: 30 },
  });
  // Before the core: the loader alone already placed and labelled the launcher.
  const box = await w.launcher.boundingBox();
  assert.equal(Math.round(box.x), 30);
  assert.equal(await w.launcher.getAttribute('aria-label'), 'Ask Ana');
  await w.ready();
  await w.openChat();
  assert.equal(await w.widget.locator('#natter-title').textContent(), 'Init title');
  assert.equal((await colours(w.page)).send[0], 'rgb(11, 110, 79)');
  const panel = await w.widget.locator('section.panel').boundingBox();
  assert.ok(panel.x < 100, 'the panel sits on the launcher\'s side');
  assert.ok(panel.y + panel.height <= (await w.launcher.boundingBox()).y, 'the panel never covers the launcher');
  assert.deepEqual(w.problems, []);
});

test('an Arabic page gets the Arabic catalogue (and only it) and a mirrored, right-to-left panel', async () => {
  const w = await openWidgetPage(stack, { lang: 'ar' });
  await w.ready();
  assert.equal(await w.launcher.getAttribute('aria-label'), 'فتح المحادثة');
  await w.openChat();
  const panel = w.widget.locator('section.panel');
  assert.equal(await panel.getAttribute('dir'), 'rtl');
  assert.equal(await panel.getAttribute('lang'), 'ar');
  assert.equal(await w.textarea.getAttribute('placeholder'), 'اكتب رسالتك…');
  assert.equal(await w.widget.locator('.send').getAttribute('aria-label'), 'إرسال');
  const i18n = w.requests.filter((p) => p.includes('/i18n.'));
  assert.equal(i18n.length, 1, i18n.join());
  assert.match(i18n[0], /^\/i18n\.ar\.[0-9a-f]{12}\.js$/);
  // Mirrored: the header's close button is on the left.
  const close = await w.widget.locator('.head .close').boundingBox();
  const title = await w.widget.locator('#natter-title').boundingBox();
  assert.ok(close.x < title.x, 'close control on the inline end (left in RTL)');
  assert.deepEqual(w.problems, []);
});

test('a German page explains a refused message in German, from the core\'s reason code', async () => {
  await stack.faults({ action: 'status', status: 413 });
  const w = await openWidgetPage(stack, { lang: 'de' });
  await w.ready();
  await w.openChat();
  await w.textarea.fill('Hallo');
  await w.textarea.press('Enter');
  const line = w.widget.locator('li.msg.user[data-state="failed"] .delivery-text');
  await line.waitFor();
  assert.equal(await line.textContent(), 'Fehlgeschlagen: Diese Nachricht ist für den Server zu lang.');
  // The core's English words still reach the console for the shop's support.
  assert.ok(w.problems.some((p) => /failed: This message is too long for the server\./.test(p)), w.problems.join('\n'));
});

test('an English page downloads no catalogue; the shop can override any string', async () => {
  const w = await openWidgetPage(stack, { init: { strings: { 'composer.send': 'Go', 'panel.greeting': 'Howdy!' } } });
  await w.ready();
  await w.openChat();
  assert.equal(await w.widget.locator('.send').getAttribute('aria-label'), 'Go');
  assert.equal(await w.widget.locator('.intro').textContent(), 'Howdy!');
  assert.deepEqual(w.requests.filter((p) => p.includes('/i18n.')), []);
  assert.deepEqual(w.problems, []);
});

test('pseudo-localised strings fit every control and label at 360 px', async () => {
  const w = await openWidgetPage(stack, {
    viewport: { width: 360, height: 740 },
    init: { strings: pseudoLocalise(english) },
  });
  await w.ready();
  await w.openChat();
  await w.textarea.fill('Hello');
  await w.widget.locator('.send').click();
  await w.widget.locator('li.msg.agent[aria-busy="false"]').waitFor();
  await w.settle();
  const overflowing = await w.page.evaluate(() => {
    const root = document.querySelector('natter-widget').shadowRoot;
    const bad = [];
    for (const el of root.querySelectorAll('button, label, h2, p, .intro, .delivery-text, .title, textarea')) {
      if (el.getClientRects().length === 0 || el.classList.contains('sr-only')) continue;
      if (el.scrollWidth > el.clientWidth + 1) bad.push(`${el.className || el.localName}: ${el.scrollWidth} > ${el.clientWidth}`);
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.right > innerWidth + 1) bad.push(`${el.className || el.localName} leaves the screen`);
    }
    const panel = root.querySelector('.panel');
    if (panel.scrollWidth > panel.clientWidth) bad.push('panel scrolls sideways');
    return bad;
  });
  assert.deepEqual(overflowing, []);
  assert.deepEqual(w.problems, []);
});

test('loading never moves focus, and the page does not scroll behind the open panel on a phone', async () => {
  const w = await openWidgetPage(stack, { viewport: { width: 360, height: 740 } });
  await w.ready();
  assert.equal(await w.page.evaluate(() => document.activeElement === document.body), true);
  await w.openChat();
  assert.equal(await w.page.evaluate(() => getComputedStyle(document.documentElement).overflow), 'hidden');
  const panel = await w.widget.locator('section.panel').boundingBox();
  assert.deepEqual([panel.x, panel.y, panel.width, panel.height], [0, 0, 360, 740], 'full screen');
  await w.widget.locator('.head .close').click();
  assert.equal(await w.page.evaluate(() => getComputedStyle(document.documentElement).overflow), 'visible');
  assert.deepEqual(w.problems, []);
});
