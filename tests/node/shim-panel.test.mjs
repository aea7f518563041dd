// panel: a labelled dialog region; focus moves in on open and back to the
// launcher on close, but only when it was inside the widget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPanel } from '../../shim/ui/panel.js';
import { createFakeDocument } from './fake-dom.mjs';

function setup() {
  const doc = createFakeDocument();
  const host = doc.createElement('natter-widget');
  doc.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const launcher = doc.createElement('button');
  const svg = doc.createElement('svg');
  const path = doc.createElement('path');
  path.setAttribute('d', 'CHAT');
  svg.appendChild(path);
  launcher.appendChild(svg);
  root.appendChild(launcher);
  const changes = [];
  const panel = createPanel({ doc, root, launcher, title: 'Chat with us', onOpenChange: (o) => changes.push(o) });
  return { doc, root, launcher, panel, changes, path };
}

test('the panel is a labelled dialog with a live log and a labelled composer', () => {
  const { panel, root } = setup();
  assert.equal(panel.panel.getAttribute('role'), 'dialog');
  assert.equal(panel.panel.getAttribute('aria-labelledby'), 'natter-title');
  assert.equal(root.findAll((e) => e.id === 'natter-title')[0].textContent, 'Chat with us');
  // The log region wraps the list, so the messages stay list items.
  assert.equal(panel.list.tagName.toLowerCase(), 'ol');
  assert.equal(panel.list.getAttribute('role'), null);
  assert.equal(panel.list.parentNode.getAttribute('role'), 'log');
  assert.equal(panel.list.parentNode.getAttribute('aria-live'), 'polite');
  const [label] = root.byTag('label');
  assert.equal(label.getAttribute('for'), panel.textarea.id);
  assert.match(panel.textarea.getAttribute('aria-describedby'), /natter-error/);
  for (const b of root.byTag('button').filter((b) => b !== root.children[0])) {
    assert.ok(b.getAttribute('aria-label') || b.textContent, 'every button has a name');
  }
});

test('opening focuses the composer; Escape-style close returns focus to the launcher', () => {
  const { doc, panel, launcher, changes, path } = setup();
  assert.equal(panel.isOpen(), false);
  panel.open();
  assert.equal(doc.activeElement, panel.textarea);
  assert.equal(launcher.getAttribute('aria-expanded'), 'true');
  assert.equal(launcher.getAttribute('aria-label'), 'Close chat');
  assert.notEqual(path.getAttribute('d'), 'CHAT');
  panel.close();
  assert.equal(doc.activeElement, launcher);
  assert.equal(path.getAttribute('d'), 'CHAT');
  assert.deepEqual(changes, [true, false]);
});

test('natter("close") while the shopper types elsewhere does not steal focus', () => {
  const { doc, panel } = setup();
  panel.open();
  const search = doc.createElement('input');
  doc.body.appendChild(search);
  search.focus();
  panel.close();
  assert.equal(doc.activeElement, search);
});

test('the composer error shows and hides, marking the textarea invalid', () => {
  const { panel, root } = setup();
  const [error] = root.byClass('error');
  panel.composer.showError('This message is 10 characters over the 4,000-character limit.');
  assert.equal(error.textContent, 'This message is 10 characters over the 4,000-character limit.');
  assert.equal(panel.textarea.getAttribute('aria-invalid'), 'true');
  panel.composer.showError('');
  assert.equal(error.textContent, '');
  assert.equal(panel.textarea.getAttribute('aria-invalid'), null);
});
