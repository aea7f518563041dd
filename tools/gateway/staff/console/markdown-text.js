// A message as the shopper saw it: the small Markdown the widget renders
// (paragraphs, "- " lists, **bold**, *emphasis*, `code`, [text](url)) built
// as DOM from text nodes only. Nothing is ever parsed as HTML; a link is a
// link only when its URL is http(s), otherwise its text stays as text.
import { h, safeHref } from './dom.js';

const INLINE = /(\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/g;

export function inline(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[2] !== undefined) out.push(h('strong', {}, m[2]));
    else if (m[3] !== undefined) out.push(h('em', {}, m[3]));
    else if (m[4] !== undefined) out.push(h('code', {}, m[4]));
    else {
      const href = safeHref(m[6]);
      out.push(href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, m[5]) : m[5]);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

// Markdown source → a <div> of <p> and <ul>.
export function markdownText(source) {
  const blocks = [];
  let items = null;
  for (const raw of String(source ?? '').split('\n')) {
    const line = raw.trim();
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (item) {
      if (!items) { items = h('ul', {}); blocks.push(items); }
      items.append(h('li', {}, inline(item[1])));
      continue;
    }
    items = null;
    if (line) blocks.push(h('p', {}, inline(line.replace(/^#+\s*/, ''))));
  }
  // dir=auto: a message keeps its own direction (English in the Arabic console reads left to right).
  return h('div', { class: 'message', dir: 'auto' }, blocks);
}
