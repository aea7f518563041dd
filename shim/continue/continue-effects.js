// The shim's side of "continue on your phone" (wasm/src/device_link.hpp),
// session mode only: the header button, the first device's banner and the
// redeem POST here; the offer sheet and the QR encoder in the continue
// chunk, downloaded on the first continue_offer. Returns the effect
// handlers effects.js adds to its table; each carries out its effect and
// decides nothing.
import { el, icon } from '../ui/dom.js';
import { createElsewhereBanner } from '../ui/elsewhere-banner.js';
import { continueLink } from './fragment.js';
import { createContinueRedeem } from './redeem.js';
import { loadContinueChunk } from './load-continue-chunk.js';

const PHONE_ICON = 'M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zM11 18h2';

export function createContinueEffects({ doc, root, panel, t, dispatch, fetch, manifest, base, pageHref, log }) {
  const header = panel.panel.querySelector('.head');
  const open = el(doc, 'button', {
    class: 'icon-button continue-open', type: 'button', 'aria-label': t('continue.offer'),
    'aria-controls': 'natter-continue', 'aria-expanded': 'false', part: 'continue-button',
  });
  open.appendChild(icon(doc, PHONE_ICON));
  header.insertBefore(open, header.querySelector('.close'));
  open.addEventListener('click', () => dispatch({
    type: open.getAttribute('aria-expanded') === 'true' ? 'continue_offer_dismissed' : 'continue_offer_clicked',
  }));

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
