// The CSS of the session UI chunk's parts (session-ui.js): the call bar
// (ui/voice-bar.js), the typing line and email form of the handoff bar
// (ui/handoff-bar.js) and the elsewhere banner (ui/elsewhere-banner.js).
// Adopted into the shadow root beside the panel's sheet (ui/styles.js) when
// the chunk arrives, so the core bundle carries none of it. The same custom
// properties as the panel's; the build minifies it (minify-css.mjs).
import { sheetOf } from '../ui/dom.js';

export const SESSION_CSS = `
.elsewhere { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 6px 14px;
  background: var(--_soft); font-size: 13px; border-bottom: 1px solid var(--_line); }
.elsewhere[hidden], .elsewhere [hidden] { display: none; }
.elsewhere p { flex: 1; margin: 0; }
.elsewhere button { padding: 2px 10px; border: 1px solid currentColor; border-radius: 999px;
  background: var(--_surface); color: var(--_link); font-size: 12px; font-weight: 600; }
.voice {
  display: flex; align-items: center; gap: 8px; flex-wrap: wrap; padding: 8px 12px;
  border-top: 1px solid var(--_line); background: var(--_soft); color: var(--_ink);
}
.voice[hidden] { display: none; }
.voice-state { flex: 1 1 8em; font-weight: 600; overflow-wrap: anywhere; }
.voice-meter { flex: 0 0 64px; height: 6px; border-radius: 3px; background: var(--_line); overflow: hidden; }
.voice-meter-fill {
  display: block; height: 100%; background: var(--_accent); transform-origin: left; transform: scaleX(0);
  transition: transform 80ms linear;
}
.panel[dir="rtl"] .voice-meter-fill { transform-origin: right; }
.voice-mute, .voice-end {
  min-height: 36px; padding: 0 12px; border-radius: 18px; font: inherit; font-size: 14px; cursor: pointer;
  border: 1px solid var(--_line); background: var(--_surface); color: var(--_ink); white-space: normal;
}
.voice-mute[aria-pressed="true"] { border-color: var(--_accent); }
.voice-end { border-color: var(--_danger); color: var(--_danger); }
.typing { margin: 0; font-size: 13px; font-style: italic; color: var(--_muted); overflow-wrap: anywhere; }
.typing:empty { display: none; }
.handoff-email { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 0; }
.handoff-email p, .handoff-saved { flex-basis: 100%; margin: 0; font-size: 13px; overflow-wrap: anywhere; }
.handoff-email label { flex-basis: 100%; font-size: 13px; font-weight: 600; }
.handoff-email input {
  flex: 1 1 12em; min-height: 36px; padding: 0 10px; border: 1px solid var(--_line); border-radius: 8px;
  font: inherit; color: var(--_ink); background: var(--_surface);
}
.handoff-email input[aria-invalid="true"] { border-color: var(--_danger); }
.handoff-email .error { color: var(--_danger); }
.handoff-email .error:empty { display: none; }

@media (prefers-reduced-motion: reduce) {
  .voice-meter-fill { transition: none; }
}
`;

// The sheet to adopt, or null where constructable stylesheets are missing.
export const sessionSheet = (CSSStyleSheetCtor) => sheetOf(SESSION_CSS, CSSStyleSheetCtor);
