// The panel's CSS, adopted into the shadow root as a constructable
// stylesheet (strict-CSP pages forbid <style> elements and style=""; see
// web/loader.js for the launcher's own sheet). Colours and radii are custom
// properties, which inherit through the shadow boundary, so a shop can
// theme the widget from its own CSS: natter-widget { --natter-accent: #c0392b }.

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
  position: fixed; right: 20px; bottom: 92px;
  width: min(380px, calc(100vw - 24px)); height: min(600px, calc(100vh - 116px));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--_surface); color: var(--_ink);
  border-radius: var(--_radius); border: 1px solid rgba(16, 24, 40, .08);
  box-shadow: 0 24px 48px -12px rgba(16, 24, 40, .28), 0 4px 12px rgba(16, 24, 40, .08);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  animation: natter-in .18s ease-out;
}
.panel[hidden] { display: none; }
@keyframes natter-in { from { opacity: 0; transform: translateY(8px) scale(.98); } }
@media (max-width: 480px) {
  .panel { inset: 0; width: auto; height: auto; border-radius: 0; border: 0; }
}
@media (prefers-reduced-motion: reduce) {
  .panel { animation: none; }
  .log { scroll-behavior: auto; }
}
.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button { font: inherit; color: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid var(--natter-focus, #1a56db); outline-offset: 2px; }
svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2;
  stroke-linecap: round; stroke-linejoin: round; }

.head {
  display: flex; align-items: center; gap: 8px; padding: 14px 12px 14px 18px;
  background: var(--_accent); color: var(--_accent-ink);
}
.title { flex: 1; margin: 0; font-size: 16px; font-weight: 600; letter-spacing: .01em; }
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
}
.log:focus-visible { outline-offset: -3px; }
.msg { display: flex; flex-direction: column; max-width: 86%; }
.msg.user { align-self: flex-end; align-items: flex-end; }
.msg.agent { align-self: flex-start; align-items: flex-start; }
.bubble {
  padding: 9px 13px; border-radius: 14px; overflow-wrap: anywhere;
}
.bubble:empty { display: none; }
.user .bubble {
  background: var(--_accent); color: var(--_accent-ink);
  border-bottom-right-radius: 4px; white-space: pre-wrap;
}
.agent .bubble { background: var(--_soft); border-bottom-left-radius: 4px; }
.rich p, .rich ul, .rich ol { margin: 0; }
.rich > * + * { margin-top: 6px; }
.rich ul, .rich ol { padding-left: 20px; }
.rich a { color: var(--_accent); text-underline-offset: 2px; }
.agent[aria-busy="true"] .bubble::after {
  content: "▍"; margin-left: 2px; color: var(--_muted); animation: natter-blink 1s steps(2) infinite;
}
@keyframes natter-blink { 50% { opacity: 0; } }
@media (prefers-reduced-motion: reduce) { .agent[aria-busy="true"] .bubble::after { animation: none; } }

.delivery { display: flex; align-items: center; gap: 8px; margin-top: 3px; font-size: 12px; color: var(--_muted); text-align: right; }
.delivery-text:empty { display: none; }
.user[data-state="failed"] .delivery { color: var(--_danger); }
.user[data-state="failed"] .bubble { opacity: .75; }
.retry {
  padding: 2px 10px; border: 1px solid currentColor; border-radius: 999px;
  background: var(--_surface); color: var(--_danger); font-size: 12px; font-weight: 600;
}
.retry:hover { background: #fef3f2; }
.retry[hidden] { display: none; }

.cards { display: flex; flex-direction: column; gap: 6px; margin-top: 6px; width: 100%; }
.cards:empty { display: none; }
.card {
  display: flex; align-items: center; gap: 10px; min-width: 220px; padding: 8px;
  border: 1px solid rgba(16, 24, 40, .12); border-radius: 12px; background: var(--_surface);
  color: inherit; text-decoration: none; transition: border-color .15s, box-shadow .15s;
}
.card:hover { border-color: var(--_accent); box-shadow: 0 2px 8px rgba(16, 24, 40, .08); }
.card-image { width: 52px; height: 52px; flex: none; object-fit: cover; border-radius: 8px; background: var(--_soft); }
.card-text { display: flex; flex-direction: column; min-width: 0; }
.card-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.card-price { color: var(--_muted); font-size: 14px; font-variant-numeric: tabular-nums; }

.composer { padding: 10px 12px 8px; border-top: 1px solid rgba(16, 24, 40, .08); }
.row { display: flex; align-items: flex-end; gap: 8px; }
textarea {
  flex: 1; min-height: 44px; max-height: 140px; field-sizing: content; resize: none;
  box-sizing: border-box; margin: 0; padding: 10px 12px;
  font-family: inherit; font-size: 16px; line-height: 1.4; color: var(--_ink); background: var(--_surface);
  border: 1px solid rgba(16, 24, 40, .2); border-radius: 12px;
}
textarea::placeholder { color: #8a909c; }
textarea:focus-visible { outline: 2px solid var(--_accent); outline-offset: 0; border-color: var(--_accent); }
textarea[aria-invalid="true"] { border-color: var(--_danger); }
.send {
  display: grid; place-items: center; flex: none; width: 44px; height: 44px; padding: 0;
  border: 0; border-radius: 50%; background: var(--_accent); color: var(--_accent-ink);
}
.send:hover { filter: brightness(1.1); }
.error { margin: 6px 2px 0; color: var(--_danger); font-size: 13px; }
.error:empty { display: none; }
.hint { margin: 6px 2px 0; color: var(--_muted); font-size: 12px; }
`;

// Returns the sheet to adopt, or null where constructable stylesheets are
// missing (then the widget is unstyled rather than broken).
export function panelSheet(CSSStyleSheetCtor = globalThis.CSSStyleSheet) {
  try {
    const sheet = new CSSStyleSheetCtor();
    sheet.replaceSync(PANEL_CSS);
    return sheet;
  } catch {
    return null;
  }
}
