// rich-text: the core's model becomes elements and text nodes only; hostile
// text stays text, unsafe links are not links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRichText, safeHref } from '../../shim/ui/rich-text.js';
import { createFakeDocument } from './fake-dom.mjs';

const span = (text, extra = {}) => ({ text, bold: false, italic: false, href: '', ...extra });

function render(content) {
  const doc = createFakeDocument();
  const box = doc.createElement('div');
  box.appendChild(renderRichText(doc, content));
  return box;
}

test('a paragraph joins its lines with <br> and styles spans', () => {
  const box = render({ blocks: [{ kind: 'paragraph', lines: [
    [span('Yes! We have '), span('3 PS5 games', { bold: true })],
    [span('see below', { italic: true })],
  ] }] });
  const [p] = box.children;
  assert.equal(p.localName, 'p');
  assert.deepEqual(p.childNodes.map((n) => n.localName ?? '#text'), ['#text', 'strong', 'br', 'em']);
  assert.equal(p.textContent, 'Yes! We have 3 PS5 gamessee below');
});

test('lists get one <li> per line, numbered lists are <ol>', () => {
  const box = render({ blocks: [
    { kind: 'bullet_list', lines: [[span('Astro Bot')], [span('Gran Turismo 7')]] },
    { kind: 'numbered_list', lines: [[span('first')]] },
  ] });
  assert.deepEqual(box.children.map((c) => c.localName), ['ul', 'ol']);
  assert.deepEqual(box.children[0].children.map((li) => li.textContent), ['Astro Bot', 'Gran Turismo 7']);
});

test('links open in a new tab without opener or referrer', () => {
  const box = render({ blocks: [{ kind: 'paragraph', lines: [[span('store', { href: 'https://shop.example/a?b=1' })]] }] });
  const [a] = box.byTag('a');
  assert.equal(a.getAttribute('href'), 'https://shop.example/a?b=1');
  assert.equal(a.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.equal(a.getAttribute('target'), '_blank');
  assert.equal(a.textContent, 'store');
});

test('a non-http link (should the core ever let one through) renders as plain text', () => {
  for (const href of ['javascript:alert(1)', 'data:text/html,x', '//evil.example', ' https://x', 'JAVASCRIPT:1']) {
    const box = render({ blocks: [{ kind: 'paragraph', lines: [[span('click', { href })]] }] });
    assert.equal(box.byTag('a').length, 0, href);
    assert.equal(box.textContent, 'click');
  }
});

test('markup in agent text stays visible text, never elements', () => {
  const box = render({ blocks: [{ kind: 'paragraph', lines: [[span('<img src=x onerror=alert(1)>')]] }] });
  assert.equal(box.byTag('img').length, 0);
  assert.equal(box.textContent, '<img src=x onerror=alert(1)>');
});

test('an unknown block kind from a newer core still shows its text', () => {
  const box = render({ blocks: [{ kind: 'quote', lines: [[span('hello')]] }] });
  assert.equal(box.children[0].localName, 'p');
  assert.equal(box.textContent, 'hello');
});

test('safeHref accepts only absolute http(s) URLs', () => {
  assert.equal(safeHref('http://a.example/'), 'http://a.example/');
  assert.equal(safeHref('https://'), '');
  assert.equal(safeHref('mailto:a@b'), '');
  assert.equal(safeHref(undefined), '');
});
