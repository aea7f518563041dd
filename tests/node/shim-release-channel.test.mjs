// The channel_check effect's carrier (shim/release-channel.js): reads the
// channel pointer revalidated and without cookies, and answers channel_read;
// anything unusable is ok: false (the core then stays on its release).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChannelCheck } from '../../shim/release-channel.js';

const URL_ = 'https://cdn.example/natter/channels/latest.json';

async function answer(respond) {
  const calls = [];
  const events = [];
  const fetch = async (url, init) => { calls.push({ url, init }); return respond(); };
  await createChannelCheck({ fetch, dispatch: (e) => events.push(e) })({ url: URL_ });
  return { calls, events };
}

const json = (body, status = 200) => ({ ok: status < 400, status, json: async () => body });

test('a pointer is read revalidated, without cookies, and answered with its version and build', async () => {
  const { calls, events } = await answer(() => json({ version: '1.0.1', build: '0123456789ab', promoted_at: 'x' }));
  assert.deepEqual(calls, [{ url: URL_, init: { cache: 'no-cache', credentials: 'omit' } }]);
  assert.deepEqual(events, [{ type: 'channel_read', ok: true, version: '1.0.1', build: '0123456789ab' }]);
});

test('a failed, unreadable or odd pointer answers ok: false', async () => {
  const cases = [
    () => json({}, 404),
    () => { throw new TypeError('Failed to fetch'); },
    () => ({ ok: true, status: 200, json: async () => { throw new SyntaxError('bad json'); } }),
    () => json(null),
    () => json({ version: '1.0.1' }),
    () => json({ version: '1.0.1', build: '<script>' }),
    () => json({ version: 7, build: 'abc' }),
  ];
  for (const respond of cases) {
    const { events } = await answer(respond);
    assert.deepEqual(events, [{ type: 'channel_read', ok: false, version: '', build: '' }], respond.toString());
  }
});
