// Renders the core's rich-text model (docs/boundary.md, `content`):
//   {blocks: [{kind: paragraph|bullet_list|numbered_list, lines: [[span…]…]}]}
//   span: {text, bold, italic, href}
// with createElement and textContent ONLY. Agent text is untrusted; no
// string ever becomes markup here, so the worst a hostile reply can do is
// show odd text. The core only emits http(s) links; safeHref checks again
// (defence in depth) and a refused link renders as its plain text.

export const LINK_REL = 'noopener noreferrer nofollow';

export function safeHref(href) {
  if (typeof href !== 'string' || !/^https?:\/\//i.test(href)) return '';
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
  } catch {
    return '';
  }
}

function renderSpan(doc, span) {
  let node = doc.createTextNode(String(span.text ?? ''));
  const wrap = (tag) => {
    const el = doc.createElement(tag);
    el.appendChild(node);
    node = el;
  };
  if (span.italic) wrap('em');
  if (span.bold) wrap('strong');
  const href = safeHref(span.href);
  if (href) {
    wrap('a');
    node.setAttribute('href', href);
    node.setAttribute('rel', LINK_REL);
    node.setAttribute('target', '_blank');
  }
  return node;
}

function appendLine(doc, parent, line) {
  for (const span of line) parent.appendChild(renderSpan(doc, span));
}

const BLOCKS = {
  paragraph(doc, lines) {
    const p = doc.createElement('p');
    lines.forEach((line, i) => {
      if (i > 0) p.appendChild(doc.createElement('br'));
      appendLine(doc, p, line);
    });
    return p;
  },
  bullet_list: (doc, lines) => list(doc, 'ul', lines),
  numbered_list: (doc, lines) => list(doc, 'ol', lines),
};

function list(doc, tag, lines) {
  const el = doc.createElement(tag);
  for (const line of lines) {
    const li = doc.createElement('li');
    appendLine(doc, li, line);
    el.appendChild(li);
  }
  return el;
}

// Returns a DocumentFragment with one element per block. An unknown block
// kind (a newer core) renders as a paragraph rather than disappearing.
export function renderRichText(doc, content) {
  const fragment = doc.createDocumentFragment();
  for (const block of content?.blocks ?? []) {
    const render = BLOCKS[block.kind] ?? BLOCKS.paragraph;
    fragment.appendChild(render(doc, block.lines ?? []));
  }
  return fragment;
}
