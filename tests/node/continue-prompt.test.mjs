// The continue link's prompt (ui/continue-sheet.js, continue_offer state
// confirm / confirm_replace from wasm/src/people/device_link.cpp): shown in the
// opened panel, announced, its Continue here focused; the taps only go back
// to the core (continue_confirmed / a dismiss), nothing decided here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createContinueSheet } from '../../shim/ui/continue-sheet.js';
import { createTranslator } from '../../shim/i18n/translate.js';
import de from '../../shim/i18n/de.js';
import { createFakeDocument } from './fake-dom.mjs';

function sheetWith(t) {
  const doc = createFakeDocument();
  const panelEl = doc.createElement('div');
  const listWrap = doc.createElement('div');
  const list = doc.createElement('ol');
  listWrap.appendChild(list);
  panelEl.appendChild(listWrap);
  let opened = 0;
  const taps = [];
  const open = doc.createElement('button');
  const panel = { panel: panelEl, list, open: () => { opened += 1; } };
  const on = { offer: () => taps.push('offer'), dismiss: () => taps.push('dismiss'), code: () => taps.push('code'), confirm: () => taps.push('confirm') };
  const { show, sheet } = createContinueSheet({ doc, panel, open, t, on, drawQr: () => doc.createElement('svg'), pageHref: () => '', link: () => '' });
  const one = (cls) => sheet.byClass(cls)[0];
  return { doc, show, sheet, one, taps, opened: () => opened };
}

test('confirm: the panel opens, the question is announced, Continue here has the focus and only the taps go back', () => {
  const s = sheetWith(createTranslator());
  s.show({ state: 'confirm', secret: '', code: '', expires_in_ms: 0 });
  assert.equal(s.sheet.hidden, false);
  assert.equal(s.opened(), 1, 'the panel is opened');
  const text = s.one('continue-text');
  assert.equal(text.getAttribute('role'), 'status');
  assert.equal(text.getAttribute('aria-live'), 'polite');
  assert.equal(text.textContent, 'Continue the chat you started on another device?');
  assert.equal(s.one('continue-yes').textContent, 'Continue here');
  assert.equal(s.one('continue-no').textContent, 'Not now');
  assert.equal(s.doc.activeElement, s.one('continue-yes'));
  assert.equal(s.one('continue-enter').hidden, true, 'no code field under the question');
  assert.equal(s.one('continue-close').hidden, true);
  s.one('continue-yes').fire('click');
  s.one('continue-no').fire('click');
  assert.deepEqual(s.taps, ['confirm', 'dismiss']);
  s.show({ state: 'hidden', secret: '', code: '', expires_in_ms: 0 });
  assert.equal(s.sheet.hidden, true);
});

test('confirm_replace says this device\'s chat gives way; German comes from its catalogue', () => {
  const s = sheetWith(createTranslator());
  s.show({ state: 'confirm_replace', secret: '', code: '', expires_in_ms: 0 });
  assert.match(s.one('continue-text').textContent, /takes the place of the chat on this device/);
  const g = sheetWith(createTranslator({ table: de, tag: 'de' }));
  g.show({ state: 'confirm', secret: '', code: '', expires_in_ms: 0 });
  assert.equal(g.one('continue-text').textContent, de['continue.confirm']);
  assert.equal(g.one('continue-no').textContent, 'Jetzt nicht');
});

test('an offer shown afterwards has no prompt buttons', () => {
  const s = sheetWith(createTranslator());
  s.show({ state: 'asking', secret: '', code: '', expires_in_ms: 0 });
  assert.equal(s.one('continue-confirm').hidden, true);
  assert.equal(s.one('continue-enter').hidden, false);
  assert.equal(s.opened(), 0, 'an offer does not open the panel itself');
});
