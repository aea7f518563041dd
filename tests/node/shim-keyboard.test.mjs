// keyboard: Enter is reported with its flags; preventDefault happens iff
// the core answered with consume_key, synchronously in the keydown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindComposer, bindPanelKeys } from '../../shim/keyboard.js';
import { createFakeDocument } from './fake-dom.mjs';

function setup(answer) {
  const doc = createFakeDocument();
  const textarea = doc.createElement('textarea');
  const sendButton = doc.createElement('button');
  const fed = [];
  bindComposer({ textarea, sendButton, dispatch: (e) => { fed.push(e); return answer(e); } });
  return { doc, textarea, sendButton, fed };
}

test('Enter consumed by the core does not insert a newline', () => {
  const { textarea, fed } = setup(() => [{ type: 'consume_key' }, { type: 'clear_composer' }]);
  textarea.value = 'do you have PS5 games?';
  const ev = textarea.fire('keydown', { key: 'Enter', shiftKey: false, isComposing: false, repeat: false, keyCode: 13 });
  assert.equal(ev.defaultPrevented, true);
  assert.deepEqual(fed, [{ type: 'enter_pressed', text: 'do you have PS5 games?', shift: false, composing: false, repeat: false }]);
});

test('Enter the core does not consume (Shift+Enter) keeps its default', () => {
  const { textarea, fed } = setup(() => []);
  textarea.value = 'line one';
  const ev = textarea.fire('keydown', { key: 'Enter', shiftKey: true, keyCode: 13 });
  assert.equal(ev.defaultPrevented, false);
  assert.equal(fed[0].shift, true);
});

test('IME composition is reported by isComposing or keyCode 229, and key repeat too', () => {
  const { textarea, fed } = setup(() => []);
  textarea.fire('keydown', { key: 'Enter', isComposing: true });
  textarea.fire('keydown', { key: 'Enter', keyCode: 229 });
  textarea.fire('keydown', { key: 'Enter', repeat: true });
  assert.deepEqual(fed.map((e) => [e.composing, e.repeat]), [[true, false], [true, false], [false, true]]);
});

test('other keys are not reported', () => {
  const { textarea, fed } = setup(() => []);
  textarea.fire('keydown', { key: 'a' });
  assert.equal(fed.length, 0);
});

test('typing reports the length in UTF-16 units, Send reports the text', () => {
  const { doc, textarea, sendButton, fed } = setup(() => []);
  textarea.value = 'hi \u{1F3AE}';
  textarea.fire('input');
  sendButton.fire('click');
  assert.deepEqual(fed, [{ type: 'composer_changed', chars: 5 }, { type: 'send_clicked', text: 'hi \u{1F3AE}' }]);
  assert.equal(doc.activeElement, textarea, 'focus goes back to the composer after Send');
});

test('Escape closes the panel, except while an IME composes', () => {
  const doc = createFakeDocument();
  const panel = doc.createElement('section');
  let closed = 0;
  bindPanelKeys({ panel, onEscape: () => closed++ });
  panel.fire('keydown', { key: 'Escape', isComposing: true });
  assert.equal(closed, 0);
  const ev = panel.fire('keydown', { key: 'Escape' });
  assert.equal(closed, 1);
  assert.equal(ev.defaultPrevented, true);
});

test('with a core in the frame (dispatch returns null) the core rule decides synchronously', () => {
  const { textarea, fed } = setup(() => null);
  textarea.value = 'hi';
  const plain = textarea.fire('keydown', { key: 'Enter', keyCode: 13 });
  const empty = (textarea.value = '', textarea.fire('keydown', { key: 'Enter', repeat: true, keyCode: 13 }));
  const shifted = textarea.fire('keydown', { key: 'Enter', shiftKey: true, keyCode: 13 });
  const ime = textarea.fire('keydown', { key: 'Enter', keyCode: 229 });
  assert.deepEqual([plain, empty, shifted, ime].map((e) => e.defaultPrevented), [true, true, false, false]);
  assert.equal(fed.length, 4, 'every Enter still reaches the core');
});
