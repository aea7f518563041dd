// A message sent while the page context's chunk is still loading waits for
// it (shim/load-page-context.js hold; docs/decisions/0030): the page declared
// add_to_cart and the shopper sent at once, on a slow network (the chunk's
// response held 1.5 s), yet the message carried the declaration, so the
// agent's proposal reached the card. Enter pressed twice while waiting sends
// once, with what the shopper typed meanwhile. Over HTTP and the live session.
import { test, before, after, beforeEach } from 'node:test';

import assert from 'node:assert/strict';
import { startStack } from './harness.mjs';
import { openWidgetPage } from './widget-page.mjs';
import { LOCAL_NETWORK } from './story-helpers.mjs';
import { actionAgent, declareAddToCart } from './action-test-agent.mjs';

let stack;
before(async () => { stack = await startStack({ extraArgs: LOCAL_NETWORK, server: { agent: actionAgent() } }); });
after(() => stack?.close());
beforeEach(() => stack.reset());

const SLOW_CHUNK_MS = 1500;

for (const transport of ['http', 'session']) {
  test(`${transport}: a message sent before the page context's chunk ran still carries the declared action`, async () => {
    const w = await openWidgetPage(stack, { data: transport === 'session' ? { transport: 'session' } : {} });
    let held = 0;
    // The slow network: the chunk's response comes SLOW_CHUNK_MS late.
    await w.page.route('**/natter.pagecontext.*.js', async (route) => {
      held += 1;
      await new Promise((resolve) => { setTimeout(resolve, SLOW_CHUNK_MS); });
      await route.continue();
    });
    await w.openChat();
    await declareAddToCart(w.page);
    await w.textarea.fill('please add this to my basket');
    await w.textarea.press('Enter');
    await w.textarea.press('Enter');
    await w.textarea.press('End');
    await w.textarea.pressSequentially(' now');
    const chunkRan = () => w.page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('natter.pagecontext.')));
    assert.equal(await chunkRan(), false, 'the shopper sent before the chunk was in');
    assert.equal(held, 1);
    await w.widget.getByRole('group', { name: 'Astro Bot (PS5)' }).waitFor();
    const sent = w.widget.locator('li.msg.user .bubble');
    assert.deepEqual(await sent.allTextContents(), ['please add this to my basket now'],
      'Enter twice while waiting sent once, with what was typed meanwhile');
    assert.equal(await w.textarea.inputValue(), '', 'the composer was cleared by the send');
    assert.deepEqual(w.problems, [], 'no warning: the message did not go without the context');
  });
}
