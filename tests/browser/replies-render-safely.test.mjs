// What the agent says is shown as content, never run as code: product
// cards are real links to the shop's https:// pages, and a hostile reply
// (raw HTML with an onerror handler, a javascript: link) shows up as text
// and runs nothing.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, openStorefront } from './harness.mjs';
import { parseProductQuery, searchProducts } from '../../tools/gateway/agents/demo/catalogue.mjs';

let stack;

before(async () => { stack = await startStack(); });
after(() => stack?.close());
beforeEach(() => stack.reset());

async function ask(s, text) {
  await s.openChat();
  await s.textarea.fill(text);
  await s.textarea.press('Enter');
  await s.finishedReplies.first().waitFor();
}

test('a product search shows product cards that are real https links to the products', async () => {
  const question = 'do you have PS5 games?';
  const expected = searchProducts(parseProductQuery(question)).slice(0, 4);
  assert.ok(expected.length >= 2, 'the catalogue has PS5 games to find');
  const s = await openStorefront(stack);
  await ask(s, question);

  const cards = await s.agentBubbles.locator('.card').evaluateAll((nodes) => nodes.map((n) => ({
    tag: n.tagName, href: n.getAttribute('href'), resolved: n.href, rel: n.rel, target: n.target,
    name: n.querySelector('.card-name')?.textContent, price: n.querySelector('.card-price')?.textContent,
  })));
  assert.deepEqual(cards.map((c) => c.name), expected.map((p) => p.name), 'one card per product found, in order');
  for (const [i, card] of cards.entries()) {
    assert.equal(card.tag, 'A', `card ${card.name} is an <a>`);
    assert.equal(card.href, expected[i].url, 'linking to the product page');
    assert.match(card.resolved, /^https:\/\//);
    assert.equal(card.target, '_blank');
    assert.deepEqual(card.rel.split(' ').sort(), ['nofollow', 'noopener', 'noreferrer']);
    assert.equal(card.price, `£${expected[i].price}`);
  }
  // The reply text names the same products as links.
  const textLinks = await s.agentBubbles.locator('.bubble a').evaluateAll((as) => as.map((a) => a.href));
  assert.deepEqual(textLinks, expected.map((p) => p.url));
  s.assertClean();
});

test('a reply with an <img onerror> and a javascript: link shows them as text and runs nothing', async () => {
  const img = '<img src=x onerror="window.__pwned=1;alert(1)">';
  const hostile = `Look ${img} and [click](javascript:alert(1)) now`;
  await stack.faults({ action: 'agent_text', text: hostile });
  const s = await openStorefront(stack);
  await s.page.evaluate(() => { window.__pwned = 0; });
  await ask(s, 'hello');

  const bubble = s.agentBubbles.locator('.bubble');
  const shown = await bubble.innerText();
  assert.ok(shown.includes(img), `the markup is shown as literal text (got ${JSON.stringify(shown)})`);
  assert.ok(shown.includes('click'), 'the link label is shown');
  assert.ok(await bubble.getByText(img, { exact: false }).isVisible(), 'and is visible');
  const found = await s.page.evaluate(() => {
    const root = document.querySelector('natter-widget').shadowRoot;
    return {
      pwned: window.__pwned,
      imgs: root.querySelectorAll('img').length,
      scriptLinks: [...root.querySelectorAll('a')].filter((a) => !/^https?:/i.test(a.href)).map((a) => a.href),
      linksInReply: root.querySelectorAll('li.msg.agent a').length,
      handlers: [...root.querySelectorAll('*')].filter((n) => [...n.attributes].some((a) => /^on/i.test(a.name))).length,
    };
  });
  assert.equal(found.pwned, 0, 'the onerror sentinel was never set');
  assert.equal(found.imgs, 0, 'no <img> element exists in the widget');
  assert.deepEqual(found.scriptLinks, [], 'no link with a non-http(s) href exists in the widget');
  assert.equal(found.linksInReply, 0, 'the refused link is plain text, not an <a>');
  assert.equal(found.handlers, 0, 'no element in the widget has an inline on* handler');
  assert.ok(!s.requests.some((url) => new URL(url).pathname === '/x'), 'the browser never fetched the img src');
  s.assertClean(); // includes: no dialog opened
});
