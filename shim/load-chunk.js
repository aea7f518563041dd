// Downloads one content-hashed chunk of the release (listed in the manifest
// with its SRI hash) with a script tag. A chunk's only statement hands its
// value to a hook the core bundle put on window.natter, e.g.
//
//     window.natter.__i18n("de", {...});          (shim/i18n/load.js)
//     window.natter.__voiceRuntime({ createVoiceRuntime, createRtcLink });  (voice/load-runtime.js)
//
// A script from the widget's own origin: no eval, no fetch+parse, so it
// passes a strict CSP (script-src for the widget's host, which the core
// bundle already needs). The loader and the core bundle are IIFEs, so
// dynamic import() is not available.
//
// Resolves to what `accept(...args)` returns for the hook's first call it
// does not answer undefined to; rejects after `timeoutMs` or on a network /
// integrity failure. The hook is removed either way.

export function loadChunk({ key, hook, accept, manifest, base, doc = document, natter = window.natter, timeoutMs = 8000 }) {
  const file = manifest.files[key];
  if (!file) return Promise.reject(new Error(`the release has no ${key}`));
  return new Promise((resolve, reject) => {
    const tag = doc.createElement('script');
    let timer = null;
    const settle = (fn, value) => {
      clearTimeout(timer);
      if (natter[hook] === receive) delete natter[hook];
      fn(value);
    };
    function receive(...args) {
      const value = accept(...args);
      if (value !== undefined) settle(resolve, value);
    }
    natter[hook] = receive;
    tag.src = new URL(file.path, base).href;
    tag.integrity = file.integrity;
    tag.crossOrigin = 'anonymous';
    tag.async = true;
    tag.onerror = () => settle(reject, new Error(`could not load ${tag.src}`));
    timer = setTimeout(() => settle(reject, new Error(`timed out loading ${tag.src}`)), timeoutMs);
    doc.head.appendChild(tag);
  });
}

// The loader of one chunk, for a module to export: called with {manifest,
// base} (and, in tests, doc, natter, timeoutMs), it loads `key` through
// `hook`; `timeoutMs` here is how long it waits unless told otherwise.
export function chunkLoader({ key, hook, accept, timeoutMs }) {
  return (options) => loadChunk({ key, hook, accept, timeoutMs, ...options });
}

// An `accept` for a chunk that hands over an object of parts: the object,
// once it has the function `name`.
export const partsWith = (name) => (parts) => (parts && typeof parts[name] === 'function' ? parts : undefined);
