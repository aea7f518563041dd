// "Continue on your phone": the sheet the header button opens (the button
// itself is in the core bundle: continue/continue-effects.js; this file
// ships in the continue chunk), drawn from the core's continue_offer
// effects (wasm/src/people/device_link.hpp):
//
//   div.continue[role=group][hidden]        between the header and the conversation
//     p.continue-text[role=status]          what to do / asking / expired
//     div.continue-qr                        the QR code (its chunk loaded on first use)
//     p.continue-code[dir=ltr]               the typed code, "ABCD-2345"
//     button.continue-again                  a new link, once one expired
//     form.continue-enter                    a code from another device: input + button
//     button.continue-close
//     div.continue-confirm                   a link opened here: Continue here / Not now
//
// Nothing here decides: the core says asking / shown / expired / hidden,
// or confirm / confirm_replace for a continue link this page was opened
// with (redeemed only once the shopper says Continue here; Not now is a
// dismiss and the core forgets the link).
// The QR's link is this page's URL with the secret as its fragment
// (../continue/fragment.js). Text goes in through textContent only.
import { el, sheetOf } from './dom.js';
import { withEnglish } from '../i18n/chunk-english.js';
import enContinue from '../i18n/en-continue.js';

export const CONTINUE_CSS = `
.continue { display: flex; flex-direction: column; align-items: center; gap: 8px; padding: 12px 14px;
  border-bottom: 1px solid var(--_line); background: var(--_surface); text-align: center; font-size: 14px; }
.continue[hidden], .continue [hidden] { display: none; }
.continue p { margin: 0; }
.continue-qr svg { width: 176px; height: 176px; stroke: none; }
.continue-code { font: 600 20px/1.2 ui-monospace, monospace; letter-spacing: .12em; }
.continue-expiry { color: var(--_muted); font-size: 12px; }
.continue-enter { display: flex; gap: 6px; width: 100%; }
.continue-confirm { display: flex; gap: 8px; flex-wrap: wrap; justify-content: center; }
.continue-enter input { flex: 1; min-width: 0; padding: 6px 8px; font: inherit; text-transform: uppercase;
  border: 1px solid var(--_line); border-radius: 8px; }
.continue button {
  padding: 4px 12px; border: 1px solid currentColor; border-radius: 999px; background: var(--_surface);
  color: var(--_link); font-size: 13px; font-weight: 600; }
`;

export const continueSheet = (CSSStyleSheetCtor) => sheetOf(CONTINUE_CSS, CSSStyleSheetCtor);

// "ABCD2345" -> "ABCD-2345": easier to read out and type.
export const spacedCode = (code) => (code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code);

// panel: createPanel's; open: the header button (its aria-expanded follows
// the sheet); t: the translator; on: {offer, dismiss, code(text), confirm};
// drawQr(doc, text, label) -> <svg>; pageHref(): this page's URL;
// link(href, secret): the QR's URL.
export function createContinueSheet({ doc, panel, open, t: translate, on, drawQr, pageHref, link }) {
  const t = withEnglish(translate, enContinue); // its English ships with the chunk, not in en.js
  const sheet = el(doc, 'div', {
    class: 'continue', id: 'natter-continue', role: 'group', 'aria-label': t('continue.offer'), part: 'continue',
  });
  sheet.hidden = true;
  const text = el(doc, 'p', { class: 'continue-text', role: 'status', 'aria-live': 'polite' });
  const qr = el(doc, 'div', { class: 'continue-qr' });
  const code = el(doc, 'p', { class: 'continue-code', dir: 'ltr', lang: 'en' });
  const expiry = el(doc, 'p', { class: 'continue-expiry' });
  const again = el(doc, 'button', { class: 'continue-again', type: 'button' }, t('continue.again'));
  const form = el(doc, 'form', { class: 'continue-enter' });
  const input = el(doc, 'input', {
    id: 'natter-continue-code', type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false',
    maxlength: '12', 'aria-label': t('continue.codeLabel'), placeholder: t('continue.codeLabel'),
  });
  form.appendChild(input);
  form.appendChild(el(doc, 'button', { type: 'submit' }, t('continue.here')));
  const close = el(doc, 'button', { class: 'continue-close', type: 'button' }, t('continue.close'));
  const confirm = el(doc, 'div', { class: 'continue-confirm' });
  const yes = el(doc, 'button', { class: 'continue-yes', type: 'button' }, t('continue.here'));
  const no = el(doc, 'button', { class: 'continue-no', type: 'button' }, t('continue.notNow'));
  confirm.appendChild(yes);
  confirm.appendChild(no);
  confirm.hidden = true;
  for (const node of [text, qr, code, expiry, again, form, close, confirm]) sheet.appendChild(node);
  panel.panel.insertBefore(sheet, panel.list.parentNode);

  const reveal = (on) => {
    sheet.hidden = !on;
    open.setAttribute('aria-expanded', String(on));
  };

  again.addEventListener('click', () => on.offer());
  close.addEventListener('click', () => { on.dismiss(); open.focus(); });
  yes.addEventListener('click', () => on.confirm());
  no.addEventListener('click', () => on.dismiss());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) on.code(input.value);
    input.value = '';
  });

  // The core's continue_offer effect.
  function show({ state, secret, code: typed, expires_in_ms: ms }) {
    qr.replaceChildren();
    code.textContent = '';
    expiry.textContent = '';
    again.hidden = state !== 'expired';
    const asked = state === 'confirm' || state === 'confirm_replace';
    const wasAsked = !confirm.hidden;
    confirm.hidden = !asked;
    form.hidden = asked;
    close.hidden = asked;
    if (state === 'hidden') {
      reveal(false);
      if (wasAsked) panel.panel.querySelector('#natter-input')?.focus(); // focus leaves the hidden prompt
      return undefined;
    }
    reveal(true);
    if (asked) {
      panel.open?.();
      text.textContent = t(state === 'confirm' ? 'continue.confirm' : 'continue.confirmReplace');
      yes.focus();
    } else if (state === 'asking') {
      text.textContent = t('continue.asking');
    } else if (state === 'expired') {
      text.textContent = t('continue.expired');
    } else if (state === 'shown') {
      text.textContent = t('continue.scan');
      code.textContent = spacedCode(typed);
      code.setAttribute('aria-label', typed.split('').join(' '));
      expiry.textContent = t('continue.valid', { minutes: Math.max(1, Math.round(ms / 60000)) });
      try {
        qr.appendChild(drawQr(doc, link(pageHref(), secret), t('continue.qr')));
      } catch {
        qr.textContent = t('continue.noQr'); // a link too long for a QR code: the typed code still works
      }
    }
    return undefined;
  }

  return { show, sheet };
}
