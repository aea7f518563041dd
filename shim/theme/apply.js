// Puts the shop's theme on the widget: one constructable sheet adopted
// LAST in the shadow root (after the loader's and the panel's sheets, so
// its :host values win), rebuilt when natter('init', ...) changes the
// options after start. A contrast correction is warned about once per page.
//
//   const theme = applyTheme({ root, options, console });
//   theme.update(options);

import { themeCss } from './css.js';

export function applyTheme({ root, options, console, CSSStyleSheetCtor = globalThis.CSSStyleSheet }) {
  let sheet = null;
  let warned = false;

  // The loader's provisional launcher values (inline custom properties on
  // the host) would outrank this sheet's :host rule: they go once it is on.
  const clearProvisional = () => {
    for (const name of ['accent', 'accent-ink', 'left', 'right', 'bottom']) root.host?.style?.removeProperty('--natter-' + name);
  };

  function update(next) {
    const { css, warning } = themeCss(next);
    if (warning && !warned) {
      warned = true;
      console.warn('[natter] ' + warning);
    }
    try {
      if (!sheet) {
        sheet = new CSSStyleSheetCtor();
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      }
      sheet.replaceSync(css);
      clearProvisional();
    } catch { /* no constructable sheets: the loader's look stays */ }
  }

  update(options);
  return { update };
}
