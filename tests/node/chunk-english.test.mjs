// A chunk's English ships with the chunk (shim/i18n/en-<chunk>.js) rather
// than in the core bundle's en.js: its translator (shim/i18n/chunk-english.js)
// still shows English in English, a catalogue's text in another language,
// and a shop's override over both, placeholders filled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEnglish } from '../../shim/i18n/chunk-english.js';
import { createTranslator } from '../../shim/i18n/translate.js';
import shipped from '../../shim/i18n/en.js';
import enSessionUi from '../../shim/i18n/en-session-ui.js';
import enContinue from '../../shim/i18n/en-continue.js';
import enConversations from '../../shim/i18n/en-conversations.js';
import enReplyParts from '../../shim/i18n/en-reply-parts.js';
import enThumbs from '../../shim/i18n/en-thumbs.js';
import enCall from '../../shim/i18n/en-call.js';
import de from '../../shim/i18n/de.js';

const chunks = { enSessionUi, enContinue, enConversations, enReplyParts, enThumbs, enCall };

test('in English a chunk shows its own English, placeholders filled, never the key', () => {
  const t = withEnglish(createTranslator(), enSessionUi);
  assert.equal(t('voice.end'), 'End call');
  assert.equal(t('handoff.emailSaved', { email: 'a@b.example' }), 'Thanks! The shop will reply to a@b.example.');
  assert.equal(t('panel.title'), 'Chat with us', 'the bundle\'s English as before');
  assert.equal(t.has('voice.end'), true);
  assert.equal(t.tag, 'en');
});

test('another language\'s catalogue and a shop\'s override win over the chunk\'s English', () => {
  const german = withEnglish(createTranslator({ table: de, tag: 'de' }), enSessionUi);
  assert.equal(german('voice.end'), de['voice.end']);
  assert.equal(german.tag, 'de');
  const shop = withEnglish(createTranslator({ overrides: { 'voice.end': 'Hang up' } }), enSessionUi);
  assert.equal(shop('voice.end'), 'Hang up');
});

test('the core bundle\'s English and the chunks\' never name the same key', () => {
  const seen = new Map(Object.keys(shipped).map((k) => [k, 'en.js']));
  const twice = [];
  for (const [name, table] of Object.entries(chunks)) {
    for (const key of Object.keys(table)) {
      if (seen.has(key)) twice.push(`${key}: ${seen.get(key)} and ${name}`);
      seen.set(key, name);
    }
  }
  assert.deepEqual(twice, []);
});
