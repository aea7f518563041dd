// A call's notices, which the core says by code only (call_notice): the
// session UI chunk shows them in the shopper's language, English from its
// own catalogue (shim/i18n/en-call.js), and raises the host's error event
// with the English the core used to send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCallNotices } from '../../shim/session-ui/call-notices.js';
import { createTranslator } from '../../shim/i18n/translate.js';
import de from '../../shim/i18n/de.js';

function setup(t = createTranslator()) {
  const shown = [];
  const emitted = [];
  const effects = createCallNotices({
    t, messages: { addNotice: (n) => shown.push(n) }, listeners: { emit: (name, payload) => emitted.push([name, payload]) },
  });
  return { run: effects.call_notice, shown, emitted };
}

test('in English a call notice shows the words the core used to say, and its error event says them too', () => {
  const s = setup();
  s.run({ type: 'call_notice', code: 'voice_busy', error: true });
  const busy = 'Voice calls are busy right now. Please try again later, or keep chatting by text.';
  assert.deepEqual(s.shown, [{ code: 'voice_busy', text: busy }]);
  assert.deepEqual(s.emitted, [['error', { code: 'voice_busy', message: busy }]]);
});

test('a hint that is not an error raises no error event', () => {
  const s = setup();
  s.run({ type: 'call_notice', code: 'voice_mic_waiting', error: false });
  assert.match(s.shown[0].text, /^Still waiting for the microphone: /);
  assert.deepEqual(s.emitted, []);
});

test('every call notice has English, never the key', () => {
  for (const code of ['mic_denied', 'mic_missing', 'mic_lost', 'voice_mic_waiting', 'voice_audio_stalled', 'voice_ended', 'voice_busy']) {
    const s = setup();
    s.run({ type: 'call_notice', code, error: true });
    assert.doesNotMatch(s.shown[0].text, /^notice\./, code);
    assert.equal(s.emitted[0][1].message, s.shown[0].text, code);
  }
});

test('in German the notice is the catalogue\'s, a shop\'s override wins, and the error event stays English', () => {
  const german = setup(createTranslator({ table: de, tag: 'de' }));
  german.run({ type: 'call_notice', code: 'mic_denied', error: true });
  assert.equal(german.shown[0].text, de['notice.micDenied']);
  assert.equal(german.emitted[0][1].message, 'Microphone access was denied. You can keep chatting by text.');
  const shop = setup(createTranslator({ overrides: { 'notice.micLost': 'Mic gone.' } }));
  shop.run({ type: 'call_notice', code: 'mic_lost', error: true });
  assert.equal(shop.shown[0].text, 'Mic gone.');
});
