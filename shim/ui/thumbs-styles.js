// The CSS of an answer's thumbs (ui/thumbs.js) and of the stars after a
// handoff (ui/handoff-rating.js), adopted into the shadow root when the
// thumbs chunk arrives, after the panel's sheet (ui/styles.js), whose
// custom properties it uses. Thumbs hide while a reply streams (again).
export const THUMBS_CSS = `
.thumbs { display: flex; align-items: center; gap: 4px; margin-top: 4px; }
.msg[aria-busy="true"] .thumbs { display: none; }
.thumb { display: inline-flex; align-items: center; justify-content: center; width: 32px; height: 32px; padding: 0;
  border: 1px solid transparent; border-radius: 8px; background: none; color: var(--_muted); cursor: pointer; }
.thumb svg { width: 18px; height: 18px; fill: currentColor; }
.thumb.down svg { transform: rotate(180deg); }
.thumb:hover { border-color: var(--_line); }
.thumb:focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
.thumb[aria-pressed="true"] { color: var(--_link); border-color: currentColor; }
.thumbs-note { color: var(--_muted); font-size: 13px; margin-inline-start: 4px; }
.thumbs-reason { display: flex; gap: 6px; margin-top: 4px; width: 100%; max-width: 360px; box-sizing: border-box; }
.thumbs-reason[hidden] { display: none; }
.thumbs-reason input { flex: 1; min-width: 0; padding: 4px 8px; border: 1px solid var(--_line); border-radius: 8px;
  background: var(--_surface); color: inherit; font: inherit; font-size: 13px; }
.thumbs-reason button { padding: 4px 10px; border: 1px solid var(--_link); border-radius: 8px; background: var(--_surface);
  color: var(--_link); font: inherit; font-size: 14px; font-weight: 600; cursor: pointer; }
.rating { display: flex; flex-wrap: wrap; align-items: center; justify-content: center; gap: 2px; margin-top: 6px; }
.rating-question { width: 100%; }
.star { display: inline-flex; align-items: center; justify-content: center; width: 32px; height: 32px; padding: 0;
  border: 1px solid transparent; border-radius: 8px; background: none; color: var(--_muted); cursor: pointer; }
.star svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 1.5; }
.star.lit { color: var(--_link); }
.star.lit svg { fill: currentColor; }
.star:hover { border-color: var(--_line); }
.star:focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
.rating-note { width: 100%; min-height: 1em; }
`;
