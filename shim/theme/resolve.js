// Turns the shop's options (theme/options.js) into the custom properties
// each colour scheme uses, keeping every text/background pair at WCAG AA:
// a shop colour that is not readable is replaced by black or white
// (whichever contrasts more), and ONE warning says what was changed.
//
//   resolveTheme(options) -> {schemes: {light?, dark?}, warning}
//   schemes.<name> = {accent, 'accent-ink', link, ink, muted, surface, soft, danger, line}
//   warning: a console message, or '' when nothing was corrected.

import { AA, contrastRatio, readableInk } from './contrast.js';
import { PALETTES } from './palette.js';

// Which schemes the widget can show: both for 'auto' (prefers-color-scheme
// picks), else only the one the shop fixed.
export function schemesFor(colorScheme) {
  return colorScheme === 'light' || colorScheme === 'dark' ? [colorScheme] : ['light', 'dark'];
}

function schemeVars(name, options, corrections) {
  const base = PALETTES[name];
  const vars = { ...base, accent: options.accent };
  const accentInk = readableInk(options.accent, options.accentText);
  if (accentInk.corrected) {
    corrections.add(`accentText ${options.accentText} on accent ${options.accent} ` +
      `(${contrastRatio(options.accent, options.accentText).toFixed(2)}:1) -> ${accentInk.ink}`);
  }
  vars['accent-ink'] = accentInk.ink;
  if (options.text) {
    const worst = Math.min(contrastRatio(options.text, base.surface), contrastRatio(options.text, base.soft));
    if (worst >= AA) vars.ink = options.text;
    else corrections.add(`text ${options.text} on the ${name} scheme (${worst.toFixed(2)}:1) -> ${base.ink}`);
  }
  // Links and outline buttons use the accent on the panel's own
  // backgrounds; a pale or dark accent that is unreadable there falls back
  // to the text colour (links stay underlined). Not a shop mistake: silent.
  const linkOk = contrastRatio(options.accent, base.surface) >= AA && contrastRatio(options.accent, base.soft) >= AA;
  vars.link = linkOk ? options.accent : vars.ink;
  return vars;
}

export function resolveTheme(options) {
  const corrections = new Set();
  const schemes = {};
  for (const name of schemesFor(options.colorScheme)) schemes[name] = schemeVars(name, options, corrections);
  const warning = corrections.size
    ? `theme colours below WCAG AA contrast (${AA}:1) were replaced: ${[...corrections].join('; ')}`
    : '';
  return { schemes, warning };
}
