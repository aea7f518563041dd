// Downloads the active catalogue when it is not English. Each catalogue is
// a separate content-hashed file the build emits (i18n.<locale>.<hash>.js,
// listed in the manifest as i18n_<locale> with its SRI hash) whose only
// statement is
//
//     window.natter.__i18n("de", {...});
//
// plain data in a script from the widget's own origin: no eval, no
// fetch+parse, so it passes a strict CSP (script-src for the widget's host,
// which the core bundle already needs). The loader and the core bundle are
// IIFEs, so dynamic import() is not available.
//
// loadCatalogue resolves to the table, or rejects after `timeoutMs` or a
// network / integrity failure; the caller then speaks English.

export function loadCatalogue({ locale, manifest, base, doc = document, natter = window.natter, timeoutMs = 8000 }) {
  if (locale === 'en') return Promise.resolve({});
  const file = manifest.files[`i18n_${locale}`];
  if (!file) return Promise.reject(new Error(`no catalogue for ${locale}`));
  return new Promise((resolve, reject) => {
    const tag = doc.createElement('script');
    let timer = null;
    const settle = (fn, value) => {
      clearTimeout(timer);
      if (natter.__i18n === receive) delete natter.__i18n;
      fn(value);
    };
    function receive(name, table) {
      if (name === locale && table && typeof table === 'object') settle(resolve, table);
    }
    natter.__i18n = receive;
    tag.src = new URL(file.path, base).href;
    tag.integrity = file.integrity;
    tag.crossOrigin = 'anonymous';
    tag.async = true;
    tag.onerror = () => settle(reject, new Error(`could not load ${tag.src}`));
    timer = setTimeout(() => settle(reject, new Error(`timed out loading ${tag.src}`)), timeoutMs);
    doc.head.appendChild(tag);
  });
}
