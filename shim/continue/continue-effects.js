// The shim's side of "continue on your phone" (wasm/src/people/device_link.hpp),
// session mode only, in the session UI chunk (shim/session-ui/): the first
// device's banner and the redeem POST here; the offer sheet and the QR
// encoder in the continue chunk, downloaded on the first continue_offer.
// The header button (`open`) is drawn with the panel (continue-button.js).
// Returns the effect handlers; each carries out its effect and decides
// nothing.
import { createElsewhereBanner } from '../ui/elsewhere-banner.js';
import { continueLink } from './fragment.js';
import { createContinueRedeem } from './redeem.js';
import { loadContinueChunk } from './load-continue-chunk.js';

export function createContinueEffects({ doc, root, panel, open, t, dispatch, fetch, manifest, base, pageHref, log }) {
  let sheet = null; // the chunk's sheet, built once
  let shown = Promise.resolve(); // continue_offer effects, applied in order across the download
  const build = async () => {
    const parts = await loadContinueChunk({ manifest, base, doc });
    const css = parts.continueSheet();
    if (css) root.adoptedStyleSheets = [...root.adoptedStyleSheets, css];
    return parts.createContinueSheet({
      doc, panel, open, t, pageHref, link: continueLink, drawQr: parts.drawQr,
      on: {
        offer: () => dispatch({ type: 'continue_offer_clicked' }),
        dismiss: () => dispatch({ type: 'continue_offer_dismissed' }),
        code: (code) => dispatch({ type: 'continue_code_entered', code }),
        confirm: () => dispatch({ type: 'continue_confirmed' }),
      },
    });
  };
  const offer = (e) => {
    shown = shown.then(async () => {
      sheet ??= await build();
      sheet.show(e);
    }).catch((err) => { sheet = null; log('warn', `the continue sheet could not load: ${err.message}`); });
  };

  const banner = createElsewhereBanner({ doc, panel, t, onRevoke: () => dispatch({ type: 'revoke_clicked' }) });
  const redeem = createContinueRedeem({ fetch, dispatch });
  return {
    effects: {
      continue_offer: offer,
      elsewhere_changed: (e) => banner.show(e),
      continue_redeem: (e) => { redeem(e); },
    },
  };
}
