// The panel's CSS, adopted into the shadow root as a constructable
// stylesheet (strict-CSP pages forbid <style> elements and style=""; see
// web/loader/launcher.js for the launcher's own sheet, which only paints it:
// its motion and focus ring come with this sheet). Colours and radii are custom
// properties, which inherit through the shadow boundary, so a shop can
// theme the widget from its own CSS: natter-widget { --natter-accent: #c0392b }.
// The theme sheet (shim/theme/css.js) sets them from the shop's options and
// per colour scheme; the fallbacks here are the light scheme. Sides use
// logical properties so dir="rtl" mirrors the panel (docs/theming.md).
//
// Desktop: the panel floats above the launcher (56px + 16px gap) on its
// side (theme sheet), inside the safe area; its font family is the host's
// (the page's, or the theme's). Phones (<= 480px): full screen, sized to
// the visual viewport (ui/viewport.js sets --natter-vv-h/-top while the
// keyboard is up), so the composer stays visible. The reduced-motion rules
// come last: they have the specificity of the rules they undo, so only
// order makes them win. Comments stay out of the CSS string; the build
// minifies it (tools/bundle/minify-css.mjs: every `export const *_CSS`).

import { sheetOf } from './dom.js';
import { HANDOFF_CSS } from './handoff-styles.js';

export const PANEL_CSS = `
.panel {
  --_accent: var(--natter-accent, #2557d6);
  --_accent-ink: var(--natter-accent-ink, #fff);
  --_ink: var(--natter-ink, #1c1f26);
  --_muted: var(--natter-muted, #5d6472);
  --_surface: var(--natter-surface, #fff);
  --_soft: var(--natter-soft, #f1f3f7);
  --_danger: var(--natter-danger, #b42318);
  --_radius: var(--natter-radius, 16px);
  --_link: var(--natter-link, var(--_accent));
  --_line: var(--natter-line, rgba(16, 24, 40, .14));
  --_safe-b: env(safe-area-inset-bottom, 0px);
  position: fixed; right: calc(var(--natter-x, 20px) + env(safe-area-inset-right, 0px));
  bottom: calc(var(--natter-y, 20px) + 72px + var(--_safe-b));
  width: min(380px, calc(100vw - 2 * var(--natter-x, 20px)));
  height: min(600px, calc(100dvh - var(--natter-y, 20px) - 96px - var(--_safe-b) - env(safe-area-inset-top, 0px)));
  display: flex; flex-direction: column; overflow: hidden; box-sizing: border-box;
  background: var(--_surface); color: var(--_ink);
  border-radius: var(--_radius); border: 1px solid var(--_line);
  box-shadow: 0 24px 48px -12px rgba(16, 24, 40, .28), 0 4px 12px rgba(16, 24, 40, .08);
  font-size: 15px; line-height: 1.45;
  animation: natter-in .18s ease-out;
}
.panel[hidden] { display: none; }
@keyframes natter-in { from { opacity: 0; transform: translateY(8px) scale(.98); } }
@media (max-width: 480px) {
  .panel {
    top: var(--natter-vv-top, 0px); left: 0; right: 0; bottom: auto; width: 100%;
    height: var(--natter-vv-h, 100dvh); border-radius: 0; border: 0;
    padding: env(safe-area-inset-top, 0px) env(safe-area-inset-right, 0px) var(--_safe-b) env(safe-area-inset-left, 0px);
  }
  .head .icon-button { width: 44px; height: 44px; }
}
.launcher { transition: transform .15s; }
.launcher:hover { transform: scale(1.06); }
.launcher:focus-visible { outline-offset: 3px; }
.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button { font: inherit; color: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid var(--natter-focus, #1a56db); outline-offset: 2px; }
svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2;
  stroke-linecap: round; stroke-linejoin: round; }

.head {
  display: flex; align-items: center; gap: 8px; padding-block: 14px; padding-inline: 18px 12px;
  background: var(--_accent); color: var(--_accent-ink);
}
.title { flex: 1; min-width: 0; overflow-wrap: anywhere; margin: 0; font-size: 16px; font-weight: 600; letter-spacing: .01em; }
.icon-button {
  display: grid; place-items: center; width: 36px; height: 36px; padding: 0;
  border: 0; border-radius: 50%; background: transparent; color: inherit;
}
.icon-button:hover { background: rgba(255, 255, 255, .16); }
.head :focus-visible { outline-color: currentColor; }

.body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.intro { padding: 4px 4px 2px; color: var(--_muted); font-size: 14px; }
.log {
  flex: 1; min-height: 0; overflow-y: auto; margin: 0; padding: 14px 14px 16px;
  list-style: none; display: flex; flex-direction: column; gap: 10px; scroll-behavior: smooth;
  overscroll-behavior: contain;
}
.log:focus-visible { outline-offset: -3px; }
.msg { display: flex; flex-direction: column; max-width: 86%; }
.msg.user { align-self: flex-end; align-items: flex-end; }
.msg.agent { align-self: flex-start; align-items: flex-start; }
.msg.starters { align-self: flex-start; }
.bubble {
  padding: 9px 13px; border-radius: 14px; overflow-wrap: anywhere; text-align: start;
}
.bubble:empty { display: none; }
.user .bubble {
  background: var(--_accent); color: var(--_accent-ink);
  border-end-end-radius: 4px; white-space: pre-wrap;
}
.agent .bubble { background: var(--_soft); border-end-start-radius: 4px; }
.rich p, .rich ul, .rich ol { margin: 0; }
.rich > * + * { margin-top: 6px; }
.rich ul, .rich ol { padding-inline-start: 20px; }
.rich a { color: var(--_link); text-underline-offset: 2px; }
.agent[aria-busy="true"] .bubble::after {
  content: "▍"; margin-inline-start: 2px; color: var(--_muted); animation: natter-blink 1s steps(2) infinite;
}
@keyframes natter-blink { 50% { opacity: 0; } }

.delivery { display: flex; align-items: center; gap: 8px; margin-top: 3px; font-size: 12px; color: var(--_muted); text-align: end; }
.delivery-text:empty { display: none; }
.user[data-state="failed"] .delivery { color: var(--_danger); }
.user[data-state="failed"] .bubble { opacity: .75; }
.msg.voice .bubble { font-style: italic; }
.msg.voice[data-final="false"] .bubble { opacity: .8; }
.msg.voice .voice-cut { font-size: .8em; opacity: .75; }
.msg.staff .author { font-size: .8em; font-weight: 600; margin-bottom: 2px; }
.retry {
  flex: none; padding: 2px 10px; border: 1px solid currentColor; border-radius: 999px;
  background: var(--_surface); color: var(--_danger); font-size: 12px; font-weight: 600;
}
.retry:hover { background: var(--_soft); }
.retry[hidden] { display: none; }

.notice {
  align-self: center; max-width: 90%; padding: 4px 12px; border-radius: 999px;
  background: var(--_soft); color: var(--_muted); font-size: 12px; text-align: center;
}

.status {
  display: flex; flex-wrap: wrap; align-items: center; gap: 2px 8px; padding: 6px 14px;
  background: var(--_soft); color: var(--_muted); font-size: 13px; border-bottom: 1px solid var(--_line);
}
.status[hidden] { display: none; }
.status-text { flex: 1; margin: 0; }
.status-text::before {
  content: ""; display: inline-block; width: 8px; height: 8px; margin-inline-end: 6px;
  border-radius: 50%; background: var(--natter-warn, #b76e00); vertical-align: 1px;
}
.status[data-state="connected"] .status-text::before { background: var(--natter-ok, #1a7f37); }
.status[data-state="failed"] .status-text::before { background: var(--_danger); }
.status[data-state="closed"] .status-text::before { background: var(--_muted); }
.status-diagnosis { flex-basis: 100%; margin: 0; font-size: 12px; }
.status-diagnosis:empty { display: none; }
.retry-now {
  padding: 2px 10px; border: 1px solid currentColor; border-radius: 999px;
  background: var(--_surface); color: var(--_link); font-size: 12px; font-weight: 600;
}
.retry-now[hidden] { display: none; }
.cards { display: flex; flex-direction: column; gap: 6px; margin-top: 6px; width: 100%; }
.cards:empty { display: none; }

.composer { padding: 10px 12px 8px; border-top: 1px solid var(--_line); }
.row { display: flex; align-items: flex-end; gap: 8px; }
textarea {
  flex: 1; min-height: 44px; max-height: 140px; field-sizing: content; resize: none;
  box-sizing: border-box; margin: 0; padding: 10px 12px;
  font-family: inherit; font-size: 16px; line-height: 1.4; color: var(--_ink); background: var(--_surface);
  border: 1px solid var(--_line); border-radius: 12px;
}
textarea::placeholder { color: var(--_muted); opacity: 1; }
textarea:focus-visible { outline: 2px solid var(--_accent); outline-offset: 0; border-color: var(--_accent); }
textarea[aria-invalid="true"] { border-color: var(--_danger); }
.send {
  display: grid; place-items: center; flex: none; width: 44px; height: 44px; padding: 0;
  border: 0; border-radius: 50%; background: var(--_accent); color: var(--_accent-ink);
}
.send:hover { filter: brightness(1.1); }
.panel[dir="rtl"] .send svg { transform: scaleX(-1); }
.error { margin: 6px 2px 0; color: var(--_danger); font-size: 13px; }
.error:empty { display: none; }
.error, .hint, .intro, .notice, .delivery-text { overflow-wrap: anywhere; }
.retry, .retry-now { max-width: 100%; white-space: normal; overflow-wrap: anywhere; }
.hint { margin: 6px 2px 0; color: var(--_muted); font-size: 12px; }
.mic {
  display: grid; place-items: center; flex: none; width: 44px; height: 44px; padding: 0;
  border: 1px solid var(--_line); border-radius: 50%; background: var(--_surface); color: var(--_ink);
}
.mic svg { fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
.mic[hidden] { display: none; }

@media (prefers-reduced-motion: reduce) {
  .panel, .launcher { animation: none; transition: none; }
  .agent[aria-busy="true"] .bubble::after { animation: none; }
  .log { scroll-behavior: auto; }
}
`;

// Returns the sheet to adopt, or null where constructable stylesheets are
// missing (then the widget is unstyled rather than broken).
export const panelSheet = (CSSStyleSheetCtor) => sheetOf(PANEL_CSS + HANDOFF_CSS, CSSStyleSheetCtor);
