// The CSS of the handoff bar and its offer (handoff-offer.js; its typing
// line and email form come with the session UI chunk: session-styles.js)
// and of the receipts under the shopper's bubbles, appended to the panel's
// sheet (styles.js).
// Receipts are words first; the ticks only repeat them, so nothing depends
// on colour.
export const HANDOFF_CSS = `
.handoff-bar { display: flex; flex-direction: column; gap: 6px; padding: 6px 12px; border-top: 1px solid var(--_line); }
.handoff-bar[hidden], .handoff-bar [hidden] { display: none; }
.handoff-ask, .handoff-email button {
  align-self: flex-start; min-height: 36px; padding: 0 14px; border-radius: 18px; font: inherit; font-size: 14px;
  cursor: pointer; border: 1px solid var(--_accent); background: var(--_surface); color: var(--_ink);
}
.user[data-receipt="delivered"] .delivery-text::before { content: "✓ "; }
.user[data-receipt="read"] .delivery-text::before { content: "✓✓ "; }
`;
