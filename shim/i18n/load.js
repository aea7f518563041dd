// Downloads the active catalogue when it is not English. Each catalogue is
// a separate content-hashed file the build emits (i18n.<locale>.<hash>.js,
// listed in the manifest as i18n_<locale> with its SRI hash) whose only
// statement is
//
//     window.natter.__i18n("de", {...});
//
// loaded by a script tag (../load-chunk.js: strict-CSP safe).
//
// loadCatalogue resolves to the table, or rejects after `timeoutMs` or a
// network / integrity failure; the caller then speaks English.
import { loadChunk } from '../load-chunk.js';

export function loadCatalogue({ locale, manifest, base, doc = document, natter = window.natter, timeoutMs = 8000 }) {
  if (locale === 'en') return Promise.resolve({});
  if (!manifest.files[`i18n_${locale}`]) return Promise.reject(new Error(`no catalogue for ${locale}`));
  return loadChunk({
    key: `i18n_${locale}`,
    hook: '__i18n',
    accept: (name, table) => (name === locale && table && typeof table === 'object' ? table : undefined),
    manifest, base, doc, natter, timeoutMs,
  });
}
