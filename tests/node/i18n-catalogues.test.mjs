// i18n: every catalogue is complete against English (a missing key fails),
// placeholders match, the locale is picked config > <html lang> >
// navigator > en, and core texts are replaced only when translated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import shipped from '../../shim/i18n/en.js';
import enCore from '../../shim/i18n/en-core.js';
import enContinue from '../../shim/i18n/en-continue.js';
import enReplyParts from '../../shim/i18n/en-reply-parts.js';
import enSessionUi from '../../shim/i18n/en-session-ui.js';
import enConversations from '../../shim/i18n/en-conversations.js';
import enThumbs from '../../shim/i18n/en-thumbs.js';
import enCall from '../../shim/i18n/en-call.js';
import { resolveLocale, availableCatalogues } from '../../shim/i18n/locale.js';
import { createTranslator, fill } from '../../shim/i18n/translate.js';
import { localizeEffect, coreTextKeys, keyOf } from '../../shim/i18n/core-text.js';

const dir = new URL('../../shim/i18n/', import.meta.url);
const locales = readdirSync(dir).filter((f) => /^[a-z]{2,3}\.js$/.test(f)).map((f) => f.slice(0, -3));
// The English reference: the shipped catalogue, the core's words and the
// chunks' (session UI and a call's notices, continue, conversations, reply parts, thumbs).
const en = { ...shipped, ...enCore, ...enSessionUi, ...enCall, ...enContinue, ...enConversations, ...enReplyParts, ...enThumbs };
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('there is English, a left-to-right and a right-to-left catalogue', () => {
  assert.ok(locales.includes('en') && locales.includes('de') && locales.includes('ar'), locales.join());
});

for (const locale of locales.filter((l) => l !== 'en')) {
  test(`the ${locale} catalogue has every key of en, no other key, and the same placeholders`, async () => {
    const { default: table } = await import(new URL(`${locale}.js`, dir));
    const missing = Object.keys(en).filter((k) => !(k in table));
    const extra = Object.keys(table).filter((k) => !(k in en));
    assert.deepEqual(missing, [], `${locale} lacks keys`);
    assert.deepEqual(extra, [], `${locale} has keys en does not`);
    for (const [key, text] of Object.entries(table)) {
      assert.equal(typeof text, 'string', key);
      assert.ok(text.trim(), `${locale} ${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(en[key]), `${locale} ${key} placeholders`);
    }
  });
}

test('English: the core\'s words are apart from the shipped catalogue, and only the core says them', () => {
  const both = Object.keys(enCore).filter((k) => k in shipped);
  assert.deepEqual(both, [], 'a key in en.js and en-core.js');
  const replaceable = new Set(coreTextKeys());
  assert.deepEqual(Object.keys(enCore).filter((k) => !replaceable.has(k)), [], 'en-core.js keys no core code maps to');
  assert.deepEqual([...replaceable].filter((k) => !(k in en)), [], 'core codes mapped to keys without English');
  // en.js is what English shows for a key the shim looks up itself; a key
  // only in en-core.js would show as the key. So no module but the maps
  // may name one.
  const shim = new URL('../../shim/', import.meta.url);
  const maps = new Set(['i18n/core-text.js', 'i18n/core-codes.js']);
  const named = [];
  for (const file of readdirSync(shim, { recursive: true })) {
    if (!file.endsWith('.js') || maps.has(file) || /^i18n\/[a-z]{2,3}(-core)?\.js$/.test(file)) continue;
    const text = readFileSync(new URL(file, shim), 'utf8');
    for (const key of Object.keys(enCore)) if (text.includes(`'${key}'`) || text.includes(`"${key}"`)) named.push(`${file}: ${key}`);
  }
  assert.deepEqual(named, []);
});

test('a core code names its key: its kind\'s prefix and the code in camel case, or the code whose words it shares', () => {
  assert.equal(keyOf('notice', 'fresh_session'), 'notice.freshSession');
  assert.equal(keyOf('failure', 'not_sent'), 'failure.notSent');
  assert.equal(keyOf('handoff', 'bad_email'), 'handoff.badEmail');
  assert.equal(keyOf('status', 'reconnecting'), 'status.reconnectingIn');
  assert.equal(keyOf('notice', 'continue_bad_code'), 'notice.continueUnknown');
  assert.equal(keyOf('notice', 'continue_refused'), 'notice.continueFailed');
  assert.equal(keyOf('composer', ''), '', 'no code, no key');
});

test('the locale is the shop\'s, then <html lang>, then the browser\'s, then English', () => {
  const available = ['en', 'de', 'ar'];
  assert.deepEqual(resolveLocale({ configured: 'de-AT', htmlLang: 'ar', languages: ['en'], available }),
    { catalogue: 'de', tag: 'de-AT', dir: 'ltr' });
  assert.equal(resolveLocale({ htmlLang: 'ar-EG', languages: ['de'], available }).dir, 'rtl');
  assert.equal(resolveLocale({ configured: 'fr', htmlLang: 'en-GB', available }).tag, 'en-GB');
  assert.equal(resolveLocale({ languages: ['fr-FR', 'de-CH'], available }).tag, 'de-CH');
  assert.deepEqual(resolveLocale({ languages: ['ja'], available }), { catalogue: 'en', tag: 'en', dir: 'ltr' });
  assert.equal(resolveLocale({ htmlLang: 'de', available: ['en'] }).catalogue, 'en', 'only shipped catalogues');
});

test('the shipped catalogues are read from the manifest', () => {
  assert.deepEqual(availableCatalogues({ files: { core_js: {}, i18n_ar: {}, i18n_de: {} } }), ['en', 'ar', 'de']);
});

test('strings: catalogue over English, shop overrides over both, placeholders filled', () => {
  const t = createTranslator({ table: { 'composer.send': 'Senden' }, overrides: { 'panel.title': 'Frag Anna' }, tag: 'de-DE' });
  assert.equal(t('composer.send'), 'Senden');
  assert.equal(t('panel.title'), 'Frag Anna');
  assert.equal(t('delivery.sent'), 'Sent', 'a missing translation shows English, never the key');
  assert.equal(t('delivery.failedDetail', { detail: 'timeout' }), 'Failed: timeout');
  assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}');
});

test('prices and times are formatted for the locale', () => {
  assert.equal(createTranslator({ tag: 'en-GB' }).price('49.99', 'GBP'), '£49.99');
  assert.equal(createTranslator({ tag: 'de-DE' }).price('1234.5', 'EUR'), '1.234,50\u00a0€');
  assert.match(createTranslator({ tag: 'ar-EG' }).price('10', 'EGP'), /[٠-٩]/);
  assert.equal(createTranslator({ tag: 'en' }).price('n/a', 'USD'), 'n/a USD');
  assert.equal(createTranslator({ tag: 'de-DE' }).time(new Date(2026, 0, 1, 14, 5)), '14:05');
});

test('core texts are replaced by code or state only when translated or overridden', async () => {
  const { default: de } = await import(new URL('de.js', dir));
  const english = createTranslator();
  const german = createTranslator({ table: de, tag: 'de' });
  const tooLong = { type: 'composer_error', code: 'too_long', text: 'This message is 5 characters over…' };
  assert.equal(localizeEffect(tooLong, english), tooLong);
  assert.equal(localizeEffect(tooLong, german).text, 'Diese Nachricht ist länger als 4.000 Zeichen. Kürzen Sie sie, um sie zu senden.');
  const clear = { type: 'composer_error', code: '', text: '' };
  assert.equal(localizeEffect(clear, german), clear);
  const statusOf = (code, extra = {}) => localizeEffect({ type: 'status_changed', state: 's', code, text: 'x', retry_in_ms: -1, can_retry_now: false, diagnosis: '', diagnosis_code: '', diagnosis_status: 0, ...extra }, german);
  const status = (code, extra) => statusOf(code, extra).text;
  assert.equal(status('connected'), 'Verbunden');
  assert.equal(status('reconnecting', { retry_in_ms: 2500 }), 'Neue Verbindung in 3 s…');
  assert.equal(status('closed_elsewhere', { can_retry_now: true }), 'Dieser Chat wurde in einem anderen Tab fortgesetzt.');
  assert.equal(status('update_required'), 'Dieser Chat braucht ein Update: Bitte laden Sie die Seite neu.');
  assert.equal(status('something_new'), 'x', 'an unknown code: the core text stays');
  const diagnosed = statusOf('reconnecting', { diagnosis: 'A proxy answered HTTP 502…', diagnosis_code: 'proxy_error', diagnosis_status: 502 });
  assert.match(diagnosed.diagnosis, /^Ein Proxy antwortete mit HTTP 502:/);
  assert.equal(statusOf('connected').diagnosis, '', 'no diagnosis: nothing to show');
  assert.equal(localizeEffect({ type: 'status_changed', code: 'connected', text: 'Connected', diagnosis: '' }, english).text, 'Connected');
  const failed = (reason, reason_arg = '') => localizeEffect({ type: 'delivery_changed', message_id: 'm', state: 'failed', detail: 'English words', can_retry: true, reason, reason_arg }, german).detail;
  assert.equal(failed('too_large'), 'Diese Nachricht ist für den Server zu lang.');
  assert.equal(failed('http_error', '418'), 'Der Chat-Dienst antwortete mit einem Fehler (HTTP 418).');
  assert.equal(failed('agent_failed', 'versuchen Sie es später'), 'Der Assistent konnte nicht antworten: versuchen Sie es später');
  assert.equal(failed('agent_failed'), 'Der Assistent konnte nicht antworten.');
  assert.equal(failed('unreachable'), 'Der Assistent des Shops war nicht erreichbar.');
  assert.equal(failed('brand_new_reason'), 'English words', 'an unknown reason: the core text stays');
  const english_failure = { type: 'delivery_changed', message_id: 'm', state: 'failed', detail: 'English words', can_retry: true, reason: 'too_large', reason_arg: '413' };
  assert.deepEqual(localizeEffect(english_failure, english), english_failure, 'English: the core\'s own words');
  const shop = createTranslator({ overrides: { 'notice.freshSession': 'New chat!' } });
  assert.equal(localizeEffect({ type: 'notice_shown', code: 'fresh_session', text: 'x' }, shop).text, 'New chat!');
});

test('the estimated wait for a person says its minutes with the language\'s plural', async () => {
  const { default: de } = await import(new URL('de.js', dir));
  const { default: ar } = await import(new URL('ar.js', dir));
  const wait = (t, minutes) => localizeEffect({ type: 'notice_shown', code: 'handoff_wait', text: 'x', arg: String(minutes) }, t).text;
  assert.equal(wait(createTranslator({ table: de, tag: 'de' }), 1), 'Geschätzte Wartezeit: etwa 1 Minute.');
  assert.equal(wait(createTranslator({ table: de, tag: 'de' }), 3), 'Geschätzte Wartezeit: etwa 3 Minuten.');
  assert.match(wait(createTranslator({ table: ar, tag: 'ar' }), 3), /^وقت الانتظار المتوقع: حوالي [3٣] دقائق\.$/);
  const shop = createTranslator({ overrides: { 'notice.handoffWait': 'About {minutes} to wait.' } });
  assert.equal(wait(shop, 2), 'About 2 minutes to wait.');
});
