// Accessibility of the widget on the demo storefront: axe-core finds no
// serious or critical violation in the widget (panel closed, and open in
// text mode), a keyboard-only shopper can open the chat, send a message and
// close it again with focus back on the launcher, and with reduced motion
// nothing in the widget animates. The widget's shadow root is open (see
// web/loader.js), so axe walks into it; the checks are scoped to the
// widget, since the storefront's own markup is not under test. A new state
// Voice mode is checked in voice.test.mjs (it needs a fake microphone).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startStack, openStorefront } from './harness.mjs';
import { assertAxeClean } from './axe.mjs';
import { pointOverLauncher } from './widget-page.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

// The element focused inside the widget's shadow root, or null when focus
// is not in the widget.
const focusedInWidget = (page) => page.evaluate(() => {
  const host = document.querySelector('natter-widget');
  if (document.activeElement !== host) return null;
  const el = host.shadowRoot.activeElement;
  return el && { tag: el.tagName.toLowerCase(), id: el.id, className: el.className };
});

test('axe: no serious or critical violations with the panel closed and open (text mode)', async () => {
  const s = await openStorefront(stack);
  await s.launcher.waitFor();
  await assertAxeClean(s.page, 'panel closed, core not started');
  await pointOverLauncher(s.page); // intent starts the core (the idle preload may never come headless)
  await s.widget.locator('section.panel').waitFor({ state: 'attached' });
  await assertAxeClean(s.page, 'panel closed, core started');
  await s.openChat();
  await assertAxeClean(s.page, 'panel open, empty conversation');
  await s.textarea.fill('do you have PS5 games?');
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
  await assertAxeClean(s.page, 'panel open, after a reply with product cards');
  s.assertClean();
});

test('keyboard only: Tab to the launcher, Enter opens, Enter sends, Escape closes and focus returns', async () => {
  const s = await openStorefront(stack);
  await s.launcher.waitFor();
  let focused = null;
  for (let presses = 0; presses < 80 && focused?.className !== 'launcher'; presses += 1) {
    await s.page.keyboard.press('Tab');
    focused = await focusedInWidget(s.page);
  }
  assert.equal(focused?.className, 'launcher', 'Tab reaches the launcher');

  await s.page.keyboard.press('Enter');
  await s.textarea.waitFor({ state: 'visible' });
  assert.equal(await s.launcher.getAttribute('aria-expanded'), 'true');
  assert.equal((await focusedInWidget(s.page))?.id, 'natter-input', 'focus moves into the panel, on the composer');

  await s.page.keyboard.type('can I trade in my old console?');
  await s.page.keyboard.press('Enter');
  await s.userBubbles.first().waitFor();
  await s.finishedReplies.first().waitFor();
  assert.equal(s.chatRequests.length, 1, 'Enter sent the message once');
  assert.equal(await s.textarea.inputValue(), '', 'the composer was cleared');

  await s.page.keyboard.press('Escape');
  await s.panel.waitFor({ state: 'hidden' });
  assert.equal(await s.launcher.getAttribute('aria-expanded'), 'false');
  assert.equal((await focusedInWidget(s.page))?.className, 'launcher', 'focus returns to the launcher');
  s.assertClean();
});

test('reduced motion: no CSS animation or transition runs in the widget', async () => {
  const s = await openStorefront(stack);
  await s.page.emulateMedia({ reducedMotion: 'reduce' });
  await s.launcher.waitFor();
  // Every animation or transition that starts in the shadow tree, however short.
  await s.page.evaluate(() => {
    const root = document.querySelector('natter-widget').shadowRoot;
    window.__motion = [];
    for (const type of ['animationstart', 'transitionrun']) {
      root.addEventListener(type, (e) => window.__motion.push(`${type} ${e.animationName ?? e.propertyName} on ${e.target.className}`));
    }
  });
  await s.launcher.hover();
  await s.openChat();
  await s.textarea.fill('do you have PS5 games?');
  await s.textarea.press('Enter');
  await s.widget.locator('li.msg.agent').first().waitFor(); // streaming: the busy cursor would blink
  await s.widget.locator('.card').first().hover();
  await s.finishedReplies.first().waitFor();
  const running = await s.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.getAnimations()
    .map((a) => `${a.constructor.name} ${a.animationName ?? a.transitionProperty}`));
  assert.deepEqual(await s.page.evaluate(() => window.__motion), [], 'nothing started');
  assert.deepEqual(running, [], 'nothing running');
  s.assertClean();
});

// Forced colours (Windows' high contrast) repaint the widget in system
// colours: the launcher's icon must not vanish into its button. The icon is
// a clip path over a border (web/loader/launcher.js), which these colours
// turn into the button's text colour; a background would become the
// button's own.
test('forced colours: the launcher still shows its icon, in the button\'s text colour', async () => {
  const s = await openStorefront(stack);
  await s.page.emulateMedia({ forcedColors: 'active', reducedMotion: 'reduce' });
  await s.launcher.waitFor();
  const colours = await s.launcher.evaluate((b) => ({ forced: matchMedia('(forced-colors: active)').matches,
    ink: getComputedStyle(b).color, ground: getComputedStyle(b).backgroundColor }));
  assert.equal(colours.forced, true, 'forced colours in force');
  assert.notEqual(colours.ink, colours.ground);
  const png = PNG.sync.read(await s.launcher.screenshot({ animations: 'disabled' }));
  const [r, g, b] = colours.ink.match(/\d+/g).map(Number);
  let inked = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i] - r) + Math.abs(png.data[i + 1] - g) + Math.abs(png.data[i + 2] - b) < 96) inked += 1;
  }
  // The bubble's outline: about 2 % of the launcher's 56 px box in its text
  // colour (anti-aliased edges aside); none when the icon vanished.
  const share = inked / (png.width * png.height);
  assert.ok(share > 0.01, `${(share * 100).toFixed(1)} % of the launcher's pixels in its text colour`);
  s.assertClean();
});
