// Text chat stories, one definition for every engine: a message sent exactly
// once however hard the shopper presses, product cards, agent XSS inert,
// keyboard-only use. `env`: { browser, stack } (run-engine.mjs).
import assert from 'node:assert/strict';
import { widgetOn, eventually } from '../widget.mjs';
import { TEXT, BLOCKED } from '../../browser/send-once-helpers.mjs';
import { recordLiftedAtFirstBox } from '../../browser/lift-probe.mjs';
import { parseProductQuery, searchProducts } from '../../../tools/gateway/agents/demo/catalogue.mjs';

// Opens the storefront with TEXT in the composer and records, page-side, the
// Enter keydowns and Send clicks the widget really got.
async function composerReady({ browser, stack }) {
  const page = await browser.open(stack.server.url);
  const w = widgetOn(page);
  await w.openChat();
  await w.focus('textarea');
  await page.type(TEXT);
  await page.evaluate(() => {
    const root = document.querySelector('natter-widget').shadowRoot;
    const inputs = (window.__inputs = []);
    root.querySelector('textarea').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') inputs.push({ kind: 'enter', repeat: e.repeat });
    });
    root.querySelector('button.send').addEventListener('click', () => inputs.push({ kind: 'click' }));
  });
  return w;
}
const inputsSeen = (w) => w.page.evaluate(() => window.__inputs);

// The storefront with its launcher on screen (the core not needed yet).
async function openWithLauncher({ browser, stack }) {
  const page = await browser.open(stack.server.url);
  const w = widgetOn(page);
  await w.waitFor('button.launcher', { visible: true });
  return { page, w };
}

// One bubble, one reply, one request and one agent run at the server, and
// the extra presses refused with BLOCKED (`blocked`: exact count, or at least one).
async function assertSentOnce({ stack }, w, blocked) {
  await w.waitFor('li.msg.user[data-state="sent"]');
  await w.finishedReplies();
  assert.deepEqual(await w.all('li.msg.user .bubble'), [TEXT], 'one shopper bubble');
  assert.equal(await w.count('li.msg.agent'), 1, 'one agent reply');
  const stats = await stack.stats();
  assert.equal(stats.total_requests, 1, 'the server saw one chat request');
  assert.deepEqual(Object.values(stats.agent_runs), [1], 'the agent ran once');
  const lines = (await w.consoleMatching(BLOCKED)).length;
  if (blocked === undefined) assert.ok(lines >= 1, `at least one "${BLOCKED}" line`);
  else assert.equal(lines, blocked, 'one blocked line per extra press');
  assert.equal(await w.value('textarea'), '', 'the composer was cleared once and stayed empty');
  await w.assertClean();
}

export const textStories = [
  {
    name: 'five rapid Enters send the message once',
    before: (env) => env.stack.faults({ action: 'delay_ms', ms: 300 }),
    async run(env) {
      const w = await composerReady(env);
      await w.page.press('Enter', 5); // one burst: WebDriver round trips must not space them out
      assert.equal((await inputsSeen(w)).length, 5, 'the page got five Enter keydowns');
      await assertSentOnce(env, w, 4);
    },
  },
  {
    name: 'five rapid clicks on Send send the message once',
    before: (env) => env.stack.faults({ action: 'delay_ms', ms: 300 }),
    async run(env) {
      const w = await composerReady(env);
      await w.click('button.send', 5); // one burst: WebDriver round trips must not space them out
      assert.equal((await inputsSeen(w)).filter((i) => i.kind === 'click').length, 5, 'Send got five clicks');
      await assertSentOnce(env, w, 4);
    },
  },
  {
    name: 'Enter held down (key repeat) sends the message once and types no newline',
    skip: (env) => !env.browser.can.keyRepeat && 'the driver cannot send a repeating keydown (WebDriver actions have no repeat flag)',
    before: (env) => env.stack.faults({ action: 'delay_ms', ms: 300 }),
    async run(env) {
      const w = await composerReady(env);
      for (let i = 0; i < 30; i += 1) await w.page.keyDown('Enter');
      await w.page.keyUp('Enter');
      const enters = await inputsSeen(w);
      assert.equal(enters[0].repeat, false, 'the first keydown is not a repeat');
      assert.ok(enters.length >= 30 && enters.slice(1).every((e) => e.repeat), `the key repeated: ${JSON.stringify(enters.slice(0, 3))}`);
      await assertSentOnce(env, w);
    },
  },
  ...[['enter', 'click'], ['click', 'enter']].map((order) => ({
    name: `${order.join(' and ')} in the same tick send the message once`,
    before: (env) => env.stack.faults({ action: 'delay_ms', ms: 300 }),
    async run(env) {
      const w = await composerReady(env);
      await w.page.evaluate((steps) => {
        const root = document.querySelector('natter-widget').shadowRoot;
        const press = () => root.querySelector('textarea').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        const click = () => root.querySelector('button.send').click();
        for (const step of steps) (step === 'enter' ? press : click)();
      }, order);
      assert.deepEqual((await inputsSeen(w)).map((i) => i.kind), order);
      await assertSentOnce(env, w, 1);
    },
  })),
  {
    name: 'a product search shows product cards linking to the products',
    async run({ browser, stack }) {
      const question = 'do you have PS5 games?';
      const expected = searchProducts(parseProductQuery(question)).slice(0, 4);
      assert.ok(expected.length >= 2, 'the catalogue has PS5 games to find');
      const w = widgetOn(await browser.open(stack.server.url));
      await w.openChat();
      await w.send(question);
      await w.finishedReplies();
      const cards = await w.all('li.msg.agent .card', (n) => ({
        tag: n.tagName, href: n.getAttribute('href'), rel: n.rel, target: n.target,
        name: n.querySelector('.card-name')?.textContent, price: n.querySelector('.card-price')?.textContent,
      }));
      assert.deepEqual(cards.map((c) => c.name), expected.map((p) => p.name), 'one card per product, in order');
      for (const [i, card] of cards.entries()) {
        assert.equal(card.tag, 'A');
        assert.equal(card.href, expected[i].url);
        assert.equal(card.target, '_blank');
        assert.deepEqual(card.rel.split(' ').sort(), ['nofollow', 'noopener', 'noreferrer']);
        assert.equal(card.price, `£${expected[i].price}`);
      }
      await w.assertClean();
    },
  },
  {
    name: 'a reply with an <img onerror> and a javascript: link shows them as text and runs nothing',
    async run({ browser, stack }) {
      const img = '<img src=x onerror="window.__pwned=1;alert(1)">';
      await stack.faults({ action: 'agent_text', text: `Look ${img} and [click](javascript:alert(1)) now` });
      const w = widgetOn(await browser.open(stack.server.url));
      await w.page.evaluate(() => { window.__pwned = 0; window.alert = () => { window.__pwned = 2; }; });
      await w.openChat();
      await w.send('hello');
      await w.finishedReplies();
      const [shown] = await w.all('li.msg.agent .bubble');
      assert.ok(shown.includes(img), `the markup is literal text (got ${JSON.stringify(shown)})`);
      const found = await w.page.evaluate(() => {
        const root = document.querySelector('natter-widget').shadowRoot;
        return {
          pwned: window.__pwned,
          imgs: root.querySelectorAll('img').length,
          linksInReply: root.querySelectorAll('li.msg.agent a').length,
          handlers: [...root.querySelectorAll('*')].filter((n) => [...n.attributes].some((a) => /^on/i.test(a.name))).length,
          fetchedX: performance.getEntriesByType('resource').some((e) => new URL(e.name).pathname === '/x'),
        };
      });
      assert.deepEqual(found, { pwned: 0, imgs: 0, linksInReply: 0, handlers: 0, fetchedX: false });
      await w.assertClean();
    },
  },
  {
    // The loader lifts its host into the top layer as it draws it
    // (web/loader/launcher.js): a ResizeObserver, which reports the host's
    // first box after the first layout that gives it one, must find it
    // lifted already, or a buried launcher could be drawn under a shop's
    // cover (tests/browser/isolation.test.mjs shows it on such a page in
    // Chromium).
    name: 'the launcher is in the top layer in the first frame that gives it a box',
    skip: (env) => !env.browser.can.initScripts && 'the driver runs no script before the page\'s own (classic WebDriver)',
    async run({ browser, stack }) {
      const page = await browser.open(stack.server.url, { init: recordLiftedAtFirstBox });
      const w = widgetOn(page);
      await w.waitFor('button.launcher', { visible: true });
      await eventually(async () => assert.notEqual(await page.evaluate(() => window.__liftedAtFirstBox), undefined, 'the host had a box'));
      assert.equal(await page.evaluate(() => window.__liftedAtFirstBox), true, 'lifted before its first layout');
      await w.assertClean();
    },
  },
  {
    // The launcher's icon is a plain element cut to a speech bubble's
    // outline by a clip path (web/loader/launcher.js). An engine that
    // dropped the path() would draw a filled square instead.
    name: "the launcher's icon is cut to the bubble's outline",
    async run({ browser, stack }) {
      const { page, w } = await openWithLauncher({ browser, stack });
      const icon = await page.evaluate(() => {
        const i = document.querySelector('natter-widget').shadowRoot.querySelector('button.launcher i');
        const box = i.getBoundingClientRect();
        return { clipped: /^path\(evenodd,/.test(getComputedStyle(i).clipPath), size: [Math.round(box.width), Math.round(box.height)] };
      });
      assert.deepEqual(icon, { clipped: true, size: [26, 26] });
      await w.assertClean();
    },
  },
  {
    // In the top layer the host gets a ::backdrop, a box over the whole
    // viewport. A shop's own `::backdrop` rule, meant for its dialogs, would
    // paint it over the page behind the launcher: the loader's sheet hides
    // it (:host::backdrop, web/loader/launcher.js), its !important over
    // the page's.
    name: "a shop's ::backdrop rule does not cover the page behind the launcher",
    async run({ browser, stack }) {
      const { page, w } = await openWithLauncher({ browser, stack });
      assert.equal(await page.evaluate(() => document.querySelector('natter-widget').matches(':popover-open')),
        true, 'the host is in the top layer, lifted as it was drawn');
      const display = await page.evaluate(() => {
        const style = document.createElement('style');
        style.textContent = '::backdrop { display: block !important; background: rgb(255, 0, 0) !important }';
        document.head.append(style);
        const shown = getComputedStyle(document.querySelector('natter-widget'), '::backdrop').display;
        style.remove(); // what the widget leaves on the page is checked below
        return shown;
      });
      assert.equal(display, 'none', "the page's ::backdrop rule did not give the host a backdrop");
      await w.assertClean();
    },
  },
  {
    // The widget's buttons carry no type=button: in a shadow root a button
    // has no form owner (looked up in its own tree), so a host inside a
    // shop's <form> (a checkout page, a single-page app that moves it)
    // must submit nothing when the shopper opens the chat, presses Enter or
    // clicks Send. Each engine has to agree.
    name: "inside a shop's <form>: opening, Enter and Send submit nothing",
    async run({ browser, stack }) {
      const { page, w } = await openWithLauncher({ browser, stack });
      const before = await page.evaluate(() => {
        const host = document.querySelector('natter-widget');
        const form = document.createElement('form');
        window.__submits = 0;
        form.addEventListener('submit', (e) => { window.__submits += 1; e.preventDefault(); });
        host.replaceWith(form);
        form.append(host);
        return { href: location.href, inForm: host.parentElement === form };
      });
      assert.equal(before.inForm, true, 'the host sits in the form');
      await w.openChat();
      await w.send('hello');
      await w.finishedReplies();
      await w.focus('textarea');
      await page.type('and one more');
      await w.click('button.send');
      await eventually(async () => assert.equal(await w.count('li.msg.agent[aria-busy="false"]'), 2, 'two replies'));
      // A submission would count here, or (a form the handler never saw)
      // navigate away and leave no counter.
      assert.deepEqual(await page.evaluate(() => ({ href: location.href, submits: window.__submits })),
        { href: before.href, submits: 0 }, 'nothing submitted, still on the page');
      assert.equal((await stack.stats()).total_requests, 2, 'both messages sent');
      await w.assertClean();
    },
  },
  {
    name: 'keyboard only: Tab to the launcher, Enter opens, Enter sends, Escape closes back to the launcher',
    async run({ browser, stack }) {
      const { page, w } = await openWithLauncher({ browser, stack });
      let tabs = 0;
      for (; tabs < 40 && !(await w.focused()).inWidget; tabs += 1) await page.press('Tab');
      assert.deepEqual(await w.focused(), { tag: 'button', label: 'Open chat', inWidget: true }, `Tab reached the launcher (${tabs} presses)`);
      await page.press('Enter');
      await w.waitFor('textarea', { visible: true });
      await eventually(async () => assert.equal((await w.focused()).tag, 'textarea', 'opening moves focus to the composer'));
      await page.type('hello');
      await page.press('Enter');
      await w.finishedReplies();
      assert.deepEqual(await w.all('li.msg.user .bubble'), ['hello']);
      assert.equal((await stack.stats()).total_requests, 1, 'Enter sent the message');
      await page.press('Escape');
      await eventually(async () => assert.deepEqual(await w.focused(), { tag: 'button', label: 'Open chat', inWidget: true },
        'focus is back on the launcher'));
      assert.equal(await w.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.querySelector('button.launcher').getAttribute('aria-expanded')), 'false');
      await w.assertClean();
    },
  },
  {
    // Over HTTP, the default transport: the shop's next page (a reload in
    // the same tab) draws the conversation, its cards and what was saved,
    // without a second request (docs/boundary.md, natter.session).
    name: 'the next page shows the conversation, its cards and the saved product, and sends nothing',
    async run({ browser, stack }) {
      const page = await browser.open(stack.server.url);
      let w = widgetOn(page);
      await w.openChat();
      await page.evaluate(() => { window.__saved = []; window.natter('on', 'product_saved', (p) => window.__saved.push(p.id)); });
      await w.send('do you have PS5 games?');
      await w.finishedReplies();
      const names = await w.all('li.msg.agent .card .card-name');
      assert.ok(names.length > 0, 'the reply has product cards');
      await w.click('li.msg.agent .card-save');
      await w.waitFor('.card-save[aria-pressed="true"]');
      assert.equal((await page.evaluate(() => window.__saved)).length, 1, 'one product_saved event');

      await page.reload();
      w = widgetOn(page);
      await w.openChat();
      await w.finishedReplies();
      assert.deepEqual(await w.all('li.msg.user .bubble'), ['do you have PS5 games?']);
      assert.deepEqual(await w.all('li.msg.agent .card .card-name'), names, 'the same cards');
      assert.deepEqual(await w.all('.card-save', (b) => b.getAttribute('aria-pressed')),
        names.map((_, i) => String(i === 0)), 'the first saved, the others not');
      assert.equal((await stack.stats()).total_requests, 1, 'nothing sent again');
      await w.assertClean();
    },
  },
];
