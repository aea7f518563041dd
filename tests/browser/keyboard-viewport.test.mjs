// On a 360×740 phone the on-screen keyboard shrinks the visual viewport;
// the composer must stay visible above it. Headless Chromium cannot shrink
// the visual viewport alone (Emulation.setVisibleSize and
// setDeviceMetricsOverride({visibleSize}) change nothing there), so the
// test does both things that can be done: (1) the Android-Chrome case
// (interactive-widget=resizes-visual): the layout viewport stays 740 px and
// visualViewport reports 400 px and fires 'resize', simulated by
// overriding its height and dispatching the event; (2) the
// resizes-content case: the whole viewport shrinks to 400 px.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { openWidgetPage } from './widget-page.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(() => stack.close());
beforeEach(() => stack.reset());

const textareaBox = (page) => page.evaluate(() => {
  const r = document.querySelector('natter-widget').shadowRoot.querySelector('textarea').getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, fontSize: parseFloat(getComputedStyle(document.querySelector('natter-widget').shadowRoot.querySelector('textarea')).fontSize) };
});

test('the textarea stays above a keyboard that shrinks only the visual viewport', async () => {
  const w = await openWidgetPage(stack, { viewport: { width: 360, height: 740 } });
  await w.ready();
  await w.openChat();
  assert.ok((await textareaBox(w.page)).fontSize >= 16, 'no zoom on focus (iOS)');
  await w.page.evaluate(() => {
    Object.defineProperty(visualViewport, 'height', { configurable: true, get: () => 400 });
    visualViewport.dispatchEvent(new Event('resize'));
  });
  await w.settle();
  assert.equal(await w.page.evaluate(() => innerHeight), 740, 'the layout viewport did not change');
  const box = await textareaBox(w.page);
  assert.ok(box.top >= 0 && box.bottom <= 400, `textarea at ${box.top}–${box.bottom}, keyboard from 400`);
  // The keyboard goes away: full height again.
  await w.page.evaluate(() => {
    delete visualViewport.height;
    visualViewport.dispatchEvent(new Event('resize'));
  });
  await w.settle();
  assert.ok((await textareaBox(w.page)).bottom > 600);
  assert.deepEqual(w.problems, []);
});

test('the textarea stays visible when the keyboard shrinks the whole viewport', async () => {
  const w = await openWidgetPage(stack, { viewport: { width: 360, height: 740 } });
  await w.ready();
  await w.openChat();
  await w.page.setViewportSize({ width: 360, height: 400 });
  await w.settle();
  const box = await textareaBox(w.page);
  assert.ok(box.top >= 0 && box.bottom <= 400, `textarea at ${box.top}–${box.bottom}`);
  assert.equal(await w.page.evaluate(() => document.activeElement?.localName), 'natter-widget', 'focus stays in the composer');
  assert.deepEqual(w.problems, []);
});
