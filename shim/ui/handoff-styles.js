// The CSS of the handoff bar and its offer (handoff-offer.js; its typing
// line and email form come with the session UI chunk: session-styles.js),
// of conversations.js (data-conversations="multiple") and of the receipts
// under the shopper's bubbles, appended to the panel's sheet (styles.js).
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
.conversations { display: flex; flex-direction: column; gap: 4px; padding: 6px 12px; border-bottom: 1px solid var(--_line); max-height: 30%; overflow-y: auto; }
.conversation-new {
  align-self: flex-start; min-height: 32px; padding: 0 12px; border-radius: 16px; font: inherit; font-size: 13px;
  cursor: pointer; border: 1px solid var(--_accent); background: var(--_surface); color: var(--_ink);
}
.conversation-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 2px; }
.conversation {
  display: flex; justify-content: space-between; gap: 8px; width: 100%; min-height: 32px; padding: 4px 8px; border: 0;
  border-radius: 6px; background: transparent; color: var(--_ink); font: inherit; font-size: 13px; text-align: start; cursor: pointer;
}
.conversation[aria-current="true"] { font-weight: 600; background: var(--_line); cursor: default; }
.conversation-title { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.conversation-when { flex: none; color: var(--_muted); font-size: 12px; }
`;
