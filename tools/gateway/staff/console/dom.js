// The console's one way to make elements: attribute values are set and
// string children become text nodes, so nothing is ever parsed as markup;
// a link's address is used only when it is http(s).

// h('li', {class: 'x', 'data-id': id}, 'text', child) → an element; string
// children become text nodes; attribute values are set, never parsed.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

// The URL when it is an absolute http(s) one, else null.
export function safeHref(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch { return null; }
}
