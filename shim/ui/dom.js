// The DOM builders the panel's parts share. Text only ever goes in
// through textContent (agent text is untrusted).

// <tag attrs…>text</tag>
export function el(doc, tag, attrs = {}, text) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// A decorative 24×24 SVG icon drawn by one path.
export function icon(doc, d) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = doc.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = doc.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  svg.appendChild(path);
  return svg;
}

// A constructable stylesheet holding `css`, to adopt into the shadow root;
// null where constructable stylesheets are missing (then that part of the
// widget is unstyled rather than broken).
export function sheetOf(css, CSSStyleSheetCtor = globalThis.CSSStyleSheet) {
  try {
    const sheet = new CSSStyleSheetCtor();
    sheet.replaceSync(css);
    return sheet;
  } catch {
    return null;
  }
}
