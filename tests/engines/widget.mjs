// The widget as a shopper meets it, in any engine: engine-neutral helpers
// over a driver page (drivers/README.md). Elements are found in the widget's
// shadow root by CSS selector; clicks are real pointer clicks at the
// element's centre; waits poll a condition in the page (never a sleep).
import assert from 'node:assert/strict';

// Polls `probe` (sync or async, in node) until it returns without throwing.
export async function eventually(probe, { timeout = 10_000, every = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try { return await probe(); } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, every));
    }
  }
}

export function widgetOn(page) {
  const inWidget = (fn, ...args) => page.evaluate(fn, ...args);
  const w = {
    page,
    // Waits until `selector` matches an element in the shadow root (and, with
    // visible, one that has a box), within `timeout` ms.
    async waitFor(selector, { visible = false, text, timeout = 15_000 } = {}) {
      await eventually(async () => assert.ok(await inWidget((sel, vis, txt) => {
        const root = document.querySelector('natter-widget')?.shadowRoot;
        return [...(root?.querySelectorAll(sel) ?? [])].some((el) =>
          (!vis || el.getClientRects().length > 0) && (txt == null || el.textContent.includes(txt)));
      }, selector, visible, text), `waiting for ${selector}${text ? ` with ${JSON.stringify(text)}` : ''}`), { timeout });
    },
    // Clicks where a shopper would: at the element's centre, once it has
    // stopped moving and nothing covers it (the log scrolls smoothly and
    // cards grow as images load, so a centre read once can be stale by the
    // time the pointer arrives: Playwright checks the same before a click).
    async click(selector, times = 1) {
      const at = await eventually(async () => {
        const spot = await inWidget(async (sel) => {
          const root = document.querySelector('natter-widget').shadowRoot;
          const el = root.querySelector(sel);
          if (!el) return null;
          el.scrollIntoView({ block: 'center', behavior: 'instant' });
          const box = () => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
          const frame = () => new Promise((done) => { requestAnimationFrame(() => done()); setTimeout(done, 100); });
          const before = box();
          await frame();
          await frame();
          const [x, y, width, height] = box();
          const hit = root.elementFromPoint(x + width / 2, y + height / 2);
          return { x: x + width / 2, y: y + height / 2, still: String(before) === String([x, y, width, height]), onTop: Boolean(hit && el.contains(hit)) };
        }, selector);
        assert.ok(spot, `no ${selector} in the widget to click`);
        assert.ok(spot.still && spot.onTop, `${selector} is still moving or covered: ${JSON.stringify(spot)}`);
        return spot;
      });
      await page.click(at.x, at.y, times);
    },
    // All elements matching `selector`, each mapped by `pick` (a function run in the page).
    all: (selector, pick = (el) => el.textContent) => inWidget((sel, src) => {
      const f = (0, eval)(`(${src})`); // eslint-disable-line no-eval -- test code, our own function text
      return [...document.querySelector('natter-widget').shadowRoot.querySelectorAll(sel)].map(f);
    }, selector, String(pick)),
    count: (selector) => inWidget((sel) => document.querySelector('natter-widget').shadowRoot.querySelectorAll(sel).length, selector),
    // Where keyboard focus is, looking inside the shadow root.
    focused: () => inWidget(() => {
      const el = document.activeElement;
      const inner = el?.shadowRoot?.activeElement;
      const node = inner ?? el;
      return { tag: node?.localName, label: node?.getAttribute('aria-label') ?? null, inWidget: Boolean(inner) };
    }),
    focus: (selector) => inWidget((sel) => document.querySelector('natter-widget').shadowRoot.querySelector(sel).focus(), selector),
    value: (selector) => inWidget((sel) => document.querySelector('natter-widget').shadowRoot.querySelector(sel).value, selector),
    async openChat() {
      await w.waitFor('button.launcher', { visible: true });
      await w.click('button.launcher');
      await w.waitFor('textarea', { visible: true });
    },
    // Types into the composer and presses Enter.
    async send(text) {
      await w.focus('textarea');
      await page.type(text);
      await page.press('Enter');
    },
    finishedReplies: () => w.waitFor('li.msg.agent[aria-busy="false"]'),
    // The status line says the live session is up.
    waitConnected: (timeout = 15_000) => w.waitFor('.status-text', { text: 'Connected', timeout }),
    async consoleMatching(text) { return (await page.consoleLines()).filter((l) => l.text === text); },
    // No console error or warning and no uncaught error, beyond `expected` (exact texts or RegExps).
    async assertClean(expected = []) {
      const problems = (await page.consoleLines()).filter((l) => ['error', 'warning'].includes(l.type))
        .filter((l) => !expected.some((e) => (e instanceof RegExp ? e.test(l.text) : e === l.text)));
      assert.deepEqual(problems, [], 'unexpected console errors/warnings');
    },
  };
  return w;
}
