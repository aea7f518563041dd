// The console's History view: the record (docs/record.md) of past
// conversations, searched by text and date, each read in full after the
// shopper left: who wrote what (as the shopper saw it, markdown-text.js),
// handoffs, notes, emails, leads, feedback, the page each turn came from,
// the shopper's photos (while the gateway still holds them, photos.js).
// Staff can still record a lead from it (the live view's form, lead-form.js).
// Untrusted text only ever becomes text (render.js).
import { h, visitorText } from './render.js';
import { markdownText } from './markdown-text.js';
import { createPhotoShelf } from './photos.js';
import { leadForm, LEAD_KINDS } from './lead-form.js';
import { failureText } from './failure-text.js';

const when = (lang, ms) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));

function summaryItem(t, lang, c, open) {
  const button = h('button', { type: 'button', class: 'history-item', 'data-id': c.id },
    h('span', { class: 'history-when' }, when(lang, c.startedAt)), ' ',
    h('span', { class: 'history-first' }, c.firstText ?? t('history.noText')), ' ',
    h('span', { class: 'history-meta' }, [
      c.handledBy ? t('history.handledBy', { name: c.handledBy }) : t('history.assistantOnly'),
      c.rating ? t('history.rating', { rating: String(c.rating) }) : '',
      c.leads ? t('history.leads', { count: String(c.leads) }) : '',
    ].filter(Boolean).join(' · ')));
  button.addEventListener('click', () => open(c.id));
  return h('li', {}, button);
}

function who(t, turn) {
  if (turn.role === 'shopper') return t(turn.channel === 'voice' ? 'history.shopperVoice' : 'who.shopper');
  if (turn.role === 'staff') return t('who.staff', { name: turn.author ?? '' });
  return t('who.agent');
}

// Every part of the conversation in time order, as <ol>. `photos(attachments)`
// draws a shopper turn's photos (photos.js), or null.
export function conversationList(t, lang, c, photos = () => null) {
  const items = [
    ...c.turns.map((x) => ({ at: x.at, node: h('li', { class: `line ${x.role}` }, h('span', { class: 'who' }, who(t, x)), ' ',
      h('time', {}, when(lang, x.at)), markdownText(x.text),
      x.role === 'shopper' ? photos(x.attachments ?? []) : null,
      x.context?.page ? h('p', { class: 'history-page' }, t('detail.page'), ': ', [x.context.page.title, x.context.page.path].filter(Boolean).join(' · ')) : null) })),
    ...c.handoffs.map((x) => ({ at: x.at, node: h('li', { class: 'line event' }, t(`history.handoff.${x.event}`, { name: x.by ?? '' }), x.reason ? `: ${x.reason}` : '') })),
    ...c.notes.map((x) => ({ at: x.at, node: h('li', { class: 'line note' }, h('span', { class: 'who' }, t('who.note', { name: x.author ?? '' })), ' ', x.text) })),
    ...c.emails.map((x) => ({ at: x.at, node: h('li', { class: 'line event' }, t('who.email', { email: x.email })) })),
    // A kind the console knows in its words; an agent's own kind as it said it; staff's note after it.
    ...c.leads.map((x) => ({ at: x.at, node: h('li', { class: 'line event' },
      t('history.lead', { kind: LEAD_KINDS.includes(x.kind) ? t(`lead.kind.${x.kind}`) : x.kind }),
      typeof x.data?.note === 'string' ? `: ${x.data.note}` : '') })),
    ...c.feedback.map((x) => ({ at: x.at, node: h('li', { class: 'line event' },
      x.kind === 'thumb' ? t(x.rating > 0 ? 'history.thumbUp' : 'history.thumbDown') : t('history.rating', { rating: String(x.rating) }),
      x.reason ? `: ${x.reason}` : '') })),
  ].sort((a, b) => a.at - b.at);
  return h('ol', { class: 'transcript history' }, items.map((i) => i.node));
}

// { client (staff-client.js), t, lang, confirmErase (window.confirm), onLeave (given
// the view's release: the photos' URLs go when staff leave it) } → the view's root element.
export function historyView({ client, t, lang, confirmErase = (text) => window.confirm(text), onLeave = () => {} }) {
  const q = h('input', { id: 'history-q', type: 'search', maxlength: 200 });
  const from = h('input', { id: 'history-from', type: 'date' });
  const to = h('input', { id: 'history-to', type: 'date' });
  const status = h('p', { class: 'empty', role: 'status' });
  const results = h('ul', { class: 'conversations history-list' });
  const detail = h('section', { class: 'detail', 'aria-labelledby': 'history-detail-heading' },
    h('h2', { id: 'history-detail-heading', tabindex: '-1' }, t('detail.none')));
  const form = h('form', { class: 'history-search', role: 'search' },
    h('label', { for: 'history-q' }, t('history.search')), q,
    h('label', { for: 'history-from' }, t('history.from')), from,
    h('label', { for: 'history-to' }, t('history.to')), to,
    h('button', { type: 'submit' }, t('history.find')));

  let shelf = null; // the opened conversation's photos
  const release = () => { shelf?.release(); shelf = null; };
  onLeave(release);

  async function open(id) {
    const answer = await client.recorded(id);
    release();
    const heading = h('h2', { id: 'history-detail-heading', tabindex: '-1' }, t('detail.heading', { id: id.slice(0, 8) }));
    if (!answer.ok) { detail.replaceChildren(heading, h('p', { class: 'error', role: 'alert' }, t('history.failed'))); return; }
    const c = answer.body.conversation;
    const erase = h('button', { type: 'button', class: 'secondary danger' }, t('history.erase'));
    const said = h('p', { class: 'feedback', role: 'status' });
    erase.addEventListener('click', async () => {
      if (!confirmErase(t('history.eraseConfirm'))) return;
      const erased = await client.erase(id);
      if (!erased.ok) { said.textContent = t('history.failed'); return; }
      release();
      detail.replaceChildren(heading, h('p', { class: 'feedback', role: 'status' }, t('history.erased', { count: String(erased.body.erasure.rowsRemoved) })));
      search();
    });
    const photos = (shelf = createPhotoShelf({ client, conversationId: id, t }));
    let list = conversationList(t, lang, c, photos.list);
    const problem = h('p', { class: 'error', role: 'alert' });
    // lead-form.js's act: once a lead is written (the gateway stores it
    // before answering) the list is drawn again from the record, then the
    // status says so: "recorded" shows beside what was kept.
    async function act(call, done, cleared) {
      said.textContent = problem.textContent = '';
      const answer = await call();
      if (!answer.ok) { problem.textContent = failureText(t, answer); return false; }
      cleared?.();
      const again = await client.recorded(id);
      if (again.ok) { const next = conversationList(t, lang, again.body.conversation, photos.list); list.replaceWith(next); list = next; }
      said.textContent = t(done);
      return true;
    }
    detail.replaceChildren(heading,
      h('p', {}, t('detail.visitor'), ': ', visitorText(t, c.visitor)),
      list, leadForm({ t, act, record: (leadId, kind, note) => client.lead(id, leadId, kind, note) }), said, problem, erase);
    heading.focus();
  }
  async function search() {
    status.textContent = t('history.searching');
    const answer = await client.history({ q: q.value.trim(), from: from.value, to: to.value });
    if (!answer.ok) { status.textContent = t('history.failed'); return; }
    const found = answer.body.conversations;
    results.replaceChildren(...found.map((c) => summaryItem(t, lang, c, open)));
    status.textContent = found.length ? t('history.count', { count: String(found.length) }) : t('history.none');
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); search(); });
  search();
  return h('div', { class: 'layout history-view' },
    h('nav', { class: 'list', 'aria-labelledby': 'history-heading' }, h('h2', { id: 'history-heading' }, t('history.heading')), form, status, results),
    detail);
}
