// Recording a lead from the conversation shown (docs/record.md, "Leads"):
// what staff will follow up (a callback, a trade-in, a quote, an order)
// with an optional note, kept in the shop's record with the conversation
// and told to the shop's systems. A retry of the same lead (a network
// error) reuses its id, so it is recorded once.
import { h } from './dom.js';
import { newMessageId } from './staff-client.js';

export const LEAD_KINDS = Object.freeze(['callback', 'trade_in', 'quote', 'order', 'other']);

// { t, act (console.js: runs a call, clears the form once it succeeded, says what happened), record(leadId, kind, note) } → <form>.
export function leadForm({ t, act, record }) {
  const kind = h('select', { id: 'lead-kind' }, LEAD_KINDS.map((k) => h('option', { value: k }, t(`lead.kind.${k}`))));
  const note = h('input', { id: 'lead-note', type: 'text', maxlength: 500, autocomplete: 'off' });
  const form = h('form', { class: 'compose lead' },
    h('label', { for: 'lead-kind' }, t('lead.kind')), kind,
    h('label', { for: 'lead-note' }, t('lead.note')), note,
    h('button', { type: 'submit', class: 'secondary' }, t('lead.add')));
  let pending = null; // {key, leadId}
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = `${kind.value}\n${note.value.trim()}`;
    if (pending?.key !== key) pending = { key, leadId: newMessageId() };
    await act(() => record(pending.leadId, kind.value, note.value.trim()), 'done.lead', () => {
      note.value = '';
      pending = null;
    });
  });
  return form;
}
