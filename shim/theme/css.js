// The theme as CSS for the widget's shadow root (a constructable sheet, so
// strict-CSP pages need no 'unsafe-inline'): custom properties on :host,
// the dark scheme behind prefers-color-scheme when the shop left it on
// 'auto', the font, and where the launcher and panel sit.
//
// The values come from theme/options.js, which only lets plain colour,
// length and font-name syntax through, so nothing here can break out of
// its declaration.

import { resolveTheme } from './resolve.js';

const declarations = (vars) => Object.entries(vars).map(([k, v]) => `--natter-${k}:${v}`).join(';');

// options: resolveOptions(...).options. Returns {css, warning}.
export function themeCss(options) {
  const { schemes, warning } = resolveTheme(options);
  const side = options.position === 'bottom-left' ? 'left' : 'right';
  const other = side === 'left' ? 'right' : 'left';
  const edge = `calc(${options.offsetX}px + env(safe-area-inset-${side}, 0px))`;
  const rules = [];
  // The loader's :host rule places the host with var(--natter-left/right/bottom)
  // (!important, so a page's `all: unset !important` cannot move it).
  const host = [
    `--natter-radius:${options.radius}`,
    `--natter-x:${options.offsetX}px`,
    `--natter-y:${options.offsetY}px`,
    `--natter-${side}:${edge}`, `--natter-${other}:auto`,
    `--natter-bottom:calc(${options.offsetY}px + env(safe-area-inset-bottom, 0px))`,
  ];
  // No font option: the page's own font (the loader's :host is all:initial).
  if (options.fontFamily) host.push(`--natter-font:${options.fontFamily}`, 'font-family:var(--natter-font)!important');
  else host.push('font-family:inherit!important');
  const [first, second] = Object.keys(schemes);
  rules.push(`:host{${host.join(';')};color-scheme:${first};${declarations(schemes[first])}}`);
  if (second) {
    rules.push(`@media (prefers-color-scheme: dark){:host{color-scheme:${second};${declarations(schemes[second])}}}`);
  }
  // No backdrop behind the lifted host (as the loader's sheet says, for the
  // host an older loader drew and shim/top-layer.js lifted): a page's own
  // ::backdrop rule would cover the page with it.
  rules.push(':host::backdrop{display:none!important}');
  // The floating panel sits on the launcher's side, above it (never over it).
  // (Phones get the full screen instead: shim/ui/styles.js.)
  // :host .panel outranks the panel sheet's .panel whatever the sheet order.
  rules.push(`@media (min-width: 481px){:host .panel{${side}:${edge};${other}:auto}}`);
  return { css: rules.join('\n'), warning, scheme: first, side };
}
