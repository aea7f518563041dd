// The shop's look and language at start (docs/theming.md): resolves the
// options (ctx.init from the loader over ctx.dataset: the element's
// attributes over the script's data-*), puts the theme on at
// once, and starts downloading the catalogue in parallel with the WASM.
// Later natter('init', {...}) calls re-theme (colours, radius, font, side,
// scheme); texts and language apply from the next page load.
//
//   const look = startLook({ ctx, console });
//   const { t, locale } = await look.language;   // before the panel is built
//   look.reinit(options)                         // natter('init') after start

import { resolveOptions } from './theme/options.js';
import { checkConfig, configError } from './config-check.js';
import { applyTheme } from './theme/apply.js';
import { setupLanguage } from './i18n/setup.js';

export function startLook({ ctx, console, doc = document, nav = navigator, natter = window.natter }) {
  let init = { ...(ctx.init || {}) };
  const reported = new Set();
  const report = (problems) => {
    for (const p of problems) {
      if (!reported.has(p)) console.warn('[natter] ' + p);
      reported.add(p);
    }
  };
  const first = resolveOptions({ init, dataset: ctx.dataset });
  report(first.problems);
  const theme = applyTheme({ root: ctx.root, options: first.options, console });
  const language = setupLanguage({
    options: first.options, strings: first.strings, manifest: ctx.manifest, base: ctx.base, doc, nav, console, natter,
  });

  // A later init is checked like the first (shim/config-check.js); an
  // invalid one is reported and ignored as a whole, the look stays.
  function reinit(options) {
    if (!options || typeof options !== 'object') {
      console.error("[natter] natter('init', options) needs an object");
      return;
    }
    const problems = checkConfig({ init: options, pageUrl: doc.location?.href });
    if (problems.length) {
      console.error(configError(problems, "this natter('init') call is ignored"));
      return;
    }
    init = { ...init, ...options };
    const next = resolveOptions({ init, dataset: ctx.dataset });
    report(next.problems);
    theme.update(next.options);
  }

  return { options: first.options, language, reinit };
}
