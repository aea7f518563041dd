// The CSS of product cards and reply chips (ui/reply-parts.js), adopted
// into the shadow root when the reply parts chunk arrives, after the
// panel's sheet (ui/styles.js), whose custom properties it uses (they are
// set on .panel and inherit). The cards' box (.cards) stays in the panel's
// sheet: every reply has one, empty until a card is drawn.
import { sheetOf } from './dom.js';

export const REPLY_PARTS_CSS = `
.card {
  display: flex; align-items: center; gap: 10px; min-width: 220px; padding: 8px;
  border: 1px solid var(--_line); border-radius: 12px; background: var(--_surface);
  color: inherit; text-decoration: none; transition: border-color .15s, box-shadow .15s;
}
.card:hover { border-color: var(--_accent); box-shadow: 0 2px 8px rgba(16, 24, 40, .08); }
.card-item { display: flex; align-items: stretch; gap: 6px; }
.card-item .card { flex: 1; min-width: 0; }
.card-save { flex: none; padding: 0 10px; border: 1px solid var(--_line); border-radius: 12px;
  background: var(--_surface); color: var(--_link); font-size: 13px; font-weight: 600; }
.card-save::before { content: '\\2606\\00a0'; }
.card-save[aria-pressed="true"] { border-color: currentColor; }
.card-save[aria-pressed="true"]::before { content: '\\2605\\00a0'; }
.card-image { width: 52px; height: 52px; flex: none; object-fit: cover; border-radius: 8px; background: var(--_soft); }
.card-text { display: flex; flex-direction: column; min-width: 0; }
.card-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: match-parent; }
.card-price { color: var(--_muted); font-size: 14px; font-variant-numeric: tabular-nums; }
.suggestions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.chip { display: inline-flex; align-items: center; min-height: 36px; padding: 4px 12px; border: 1px solid var(--_link);
  border-radius: 999px; background: var(--_surface); color: var(--_link); font: inherit; font-size: 14px;
  font-weight: 600; text-decoration: none; cursor: pointer; max-width: 100%; box-sizing: border-box;
  text-align: start; overflow-wrap: anywhere; }
.chip:hover { background: var(--_soft); }
.chip-link::after { content: '\\2197'; margin-inline-start: 4px; }
/* Tighter chips on a phone (after the rules above, which it overrides), so
   two short ones share a line instead of stacking one per line; a long one
   wraps inside its own pill (max-width above). */
@media (max-width: 480px) {
  .suggestions { gap: 6px 4px; }
  .chip { padding: 4px 10px; font-size: 13px; }
}

/* An action's confirm card (action-card.js): the summary, its state, Confirm / Not now. */
.action-card { display: flex; flex-direction: column; gap: 6px; min-width: 220px; padding: 8px 10px;
  border: 1px solid var(--_line); border-radius: 12px; background: var(--_surface); }
.action-detail { font-size: 14px; }
.action-status { font-size: 14px; color: var(--_muted); }
.action-status:empty { display: none; }
.action-card[data-state="done"] .action-status::before { content: '\\2713\\00a0'; }
.action-card[data-state="done"] .action-status, .action-card[data-state="failed"] .action-status { color: inherit; }
.action-buttons { display: flex; flex-wrap: wrap; gap: 6px; }
.action-confirm { background: var(--_link); color: var(--_surface); }
.action-confirm:hover { background: var(--_link); opacity: .9; }

@media (prefers-reduced-motion: reduce) {
  .card { transition: none; }
}
`;

export const replyPartsSheet = (CSSStyleSheetCtor) => sheetOf(REPLY_PARTS_CSS, CSSStyleSheetCtor);
