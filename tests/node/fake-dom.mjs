// A minimal DOM for the shim's node tests: just the calls shim/ui and the
// loader make (createElement, attributes, children, listeners, text). It is
// deliberately not a browser; the browser suite covers real rendering.

class FakeNode {
  constructor(doc) { this.ownerDocument = doc; this.parentNode = null; this.childNodes = []; }
  get nextSibling() {
    const siblings = this.parentNode?.childNodes ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }
  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.childNodes;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
  }
  appendChild(child) { return this.insertBefore(child, null); }
  append(...nodes) { for (const n of nodes) this.appendChild(typeof n === 'string' ? new FakeText(this.ownerDocument, n) : n); }
  insertBefore(child, ref) {
    if (child instanceof FakeFragment) {
      for (const c of [...child.childNodes]) this.insertBefore(c, ref);
      return child;
    }
    child.remove();
    child.parentNode = this;
    const at = ref ? this.childNodes.indexOf(ref) : -1;
    if (at < 0) this.childNodes.push(child);
    else this.childNodes.splice(at, 0, child);
    if (child.isConnected && child.connectedCallback) child.connectedCallback();
    return child;
  }
  // In the document: under its <head> or <body>.
  get isConnected() {
    let node = this;
    while (node.parentNode) node = node.parentNode;
    return node === this.ownerDocument.body || node === this.ownerDocument.head;
  }
  replaceChildren(...nodes) {
    for (const c of [...this.childNodes]) c.remove();
    this.append(...nodes);
  }
  get textContent() { return this.childNodes.map((c) => c.textContent).join(''); }
  set textContent(value) {
    for (const c of [...this.childNodes]) c.remove();
    if (value !== '') this.appendChild(new FakeText(this.ownerDocument, String(value)));
  }
  get children() { return this.childNodes.filter((c) => c instanceof FakeElement); }
  get firstChild() { return this.childNodes[0] ?? null; }
  // Depth-first search of descendants.
  findAll(pred) {
    const out = [];
    for (const c of this.children) {
      if (pred(c)) out.push(c);
      out.push(...c.findAll(pred));
    }
    return out;
  }
  byClass(name) { return this.findAll((e) => e.className.split(' ').includes(name)); }
  byTag(tag) { return this.findAll((e) => e.localName === tag); }
  querySelector(tag) { return this.byTag(tag)[0] ?? null; } // tag names only
}

export class FakeText extends FakeNode {
  constructor(doc, text) { super(doc); this.data = text; }
  get textContent() { return this.data; }
}

class FakeFragment extends FakeNode {}

export class FakeElement extends FakeNode {
  constructor(doc, tag) {
    super(doc);
    this.localName = tag;
    this.tagName = tag.toUpperCase();
    this.attrs = new Map();
    this.listeners = new Map();
    this.hidden = false;
    this.value = '';
  }
  get className() { return this.attrs.get('class') ?? ''; }
  set className(v) { this.attrs.set('class', String(v)); }
  get id() { return this.attrs.get('id') ?? ''; }
  setAttribute(name, value) { this.attrs.set(name, String(value)); }
  getAttribute(name) { return this.attrs.has(name) ? this.attrs.get(name) : null; }
  get attributes() { return [...this.attrs].map(([name, value]) => ({ name, value })); }
  hasAttribute(name) { return this.attrs.has(name); }
  removeAttribute(name) { this.attrs.delete(name); }
  addEventListener(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }
  // Fires listeners with a plain event object; returns it (defaultPrevented).
  fire(type, props = {}) {
    const event = { type, target: this, defaultPrevented: false, ...props };
    event.preventDefault = () => { event.defaultPrevented = true; };
    for (const fn of this.listeners.get(type) ?? []) fn(event);
    return event;
  }
  focus() { this.ownerDocument.activeElement = this; }
  attachShadow() { this.shadowRoot = new FakeShadowRoot(this.ownerDocument, this); return this.shadowRoot; }
  // A popover's show, counted, with the custom properties the element had
  // then (the top layer itself is the browser suite's).
  showPopover() {
    this.popoverShows = (this.popoverShows ?? 0) + 1;
    this.propsAtShow = { ...this.style?.props };
  }
}

class FakeShadowRoot extends FakeNode {
  constructor(doc, host) { super(doc); this.host = host; this.adoptedStyleSheets = []; }
  get activeElement() {
    const a = this.ownerDocument.activeElement;
    return a && this.findAll((e) => e === a).length ? a : null;
  }
}

// window.customElements and HTMLElement for the loader: define() upgrades
// the elements of that name already in the document (connectedCallback, in
// document order) and every one created later; inserting one into the
// document calls its connectedCallback.
export function fakeCustomElements(doc) {
  const registry = new Map();
  const upgrade = (el) => {
    const cls = registry.get(el.localName);
    if (cls && !el.connectedCallback) el.connectedCallback = cls.prototype.connectedCallback;
    return el;
  };
  const make = doc.createElement;
  doc.createElement = (tag) => upgrade(make(tag));
  return {
    HTMLElement: class {},
    customElements: {
      define(name, cls) {
        if (registry.has(name)) throw new Error(`${name} is already defined`);
        registry.set(name, cls);
        for (const el of doc.body?.findAll((e) => e.localName === name) ?? []) upgrade(el).connectedCallback();
      },
      get: (name) => registry.get(name),
    },
  };
}

export function createFakeDocument() {
  const doc = {
    activeElement: null,
    readyState: 'complete',
    createElement: (tag) => new FakeElement(doc, tag),
    createElementNS: (_ns, tag) => new FakeElement(doc, tag),
    createTextNode: (text) => new FakeText(doc, text),
    createDocumentFragment: () => new FakeFragment(doc),
    addEventListener() {},
  };
  doc.head = new FakeElement(doc, 'head');
  doc.body = new FakeElement(doc, 'body');
  return doc;
}
