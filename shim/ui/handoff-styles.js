// The CSS of handoff-bar.js, of conversations.js (data-conversations="multiple") and of the receipts under the shopper's bubbles,
// appended to the panel's sheet (styles.js). Receipts are words first; the
// ticks only repeat them, so nothing depends on colour.
export const HANDOFF_CSS = `
.handoff-bar { display: flex; flex-direction: column; gap: 6px; padding: 6px 12px; border-top: 1px solid var(--_line); }
.handoff-bar[hidden], .handoff-bar [hidden] { display: none; }
.typing { margin: 0; font-size: 13px; font-style: italic; color: var(--_muted); overflow-wrap: anywhere; }
.typing:empty { display: none; }
.handoff-ask, .handoff-email button {
  align-self: flex-start; min-height: 36px; padding: 0 14px; border-radius: 18px; font: inherit; font-size: 14px;
  cursor: pointer; border: 1px solid var(--_accent); background: var(--_surface); color: var(--_ink);
}
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
