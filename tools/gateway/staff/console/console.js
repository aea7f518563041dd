// The operator console (docs/deploying.md, "Operator console"): shop staff
// sign in with the staff API's token and their display name, see the live
// list of conversations (polled every POLL_MS), open one, take it over,
// reply, leave private notes and hand it back; History and Analytics show
// the record (history.js, analytics.js). Plain DOM, no framework.
//
// Contracts: the token lives in sessionStorage at most (staff-client.js) and
// is only ever sent as the Bearer header; untrusted text only becomes text
// (render.js); while the page is visible a presence heartbeat says someone
// is reading (every POST marks presence too).
import { createStaffClient, newMessageId, session } from './staff-client.js';
import { pickLanguage, translator } from './text.js';
import { actionLines, contextFacts, entryList, h, shortId, stateText, transcriptList, visitorText } from './render.js';
import { historyView } from './history.js';
import { createPhotoShelf } from './photos.js';
import { leadForm } from './lead-form.js';
import { failureText } from './failure-text.js';
import { analyticsView } from './analytics.js';

const POLL_MS = 2500;
const PRESENCE_MS = 30_000; // well inside the gateway's 120 s presence window
const TYPING_EVERY_MS = 2000; // well inside the widget's 6 s typing expiry (wasm/src/people/presence.hpp)

const { lang, dir } = pickLanguage(location.search, navigator.languages ?? [navigator.language]);
const t = translator(lang);
document.documentElement.lang = lang;
document.documentElement.dir = dir;
document.title = t('title');
const app = document.getElementById('app');

let stopLoops = () => {};

function signInView(message = '') {
  stopLoops();
  const token = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const name = h('input', { id: 'name', name: 'name', type: 'text', autocomplete: 'name', required: true, maxlength: 100 });
  const error = h('p', { id: 'signin-error', class: 'error', role: 'alert' }, message);
  const submit = h('button', { type: 'submit' }, t('signin.submit'));
  const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-heading', novalidate: true },
    h('h1', { id: 'signin-heading' }, t('signin.heading')),
    h('p', {}, t('signin.intro')),
    h('label', { for: 'token' }, t('signin.token')), token,
    h('label', { for: 'name' }, t('signin.name')), name,
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const credentials = { token: token.value.trim(), name: name.value.trim() };
    if (!credentials.name || credentials.name.length > 100) { error.textContent = t('signin.badName'); name.focus(); return; }
    submit.disabled = true;
    const answer = await createStaffClient(credentials).presence();
    submit.disabled = false;
    if (answer.ok) {
      token.value = '';
      session.save(credentials);
      consoleView(credentials);
      return;
    }
    error.textContent = answer.status === 401 ? t('signin.wrong')
      : answer.status === 400 ? t('signin.badName') : t('signin.failed', { status: answer.status || '—' });
    (answer.status === 400 ? name : token).focus();
  });
  app.replaceChildren(h('header', { class: 'bar' }, h('p', { class: 'brand' }, t('title'))), form);
  token.focus();
}

function consoleView(credentials) {
  const client = createStaffClient(credentials);
  let selected = null; // conversation id
  let detail = null;   // the detail panel's parts for `selected`
  let known = null;    // ids seen waiting at the last poll (null before the first)
  let stopped = false;

  const expired = () => { session.clear(); signInView(t('signin.expired')); };
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'conversations' });
  const empty = h('p', { class: 'empty' }, t('list.empty'));
  const detailSection = h('section', { class: 'detail', 'aria-labelledby': 'detail-heading' },
    h('h2', { id: 'detail-heading', tabindex: '-1' }, t('detail.none')));
  const signOut = h('button', { type: 'button', class: 'secondary' }, t('signOut'));
  signOut.addEventListener('click', () => { session.clear(); signInView(); });
  const live = h('div', { class: 'layout' },
    h('nav', { class: 'list', 'aria-labelledby': 'list-heading' }, h('h2', { id: 'list-heading' }, t('list.heading')), empty, list),
    detailSection);
  // History (the record of past conversations) or Analytics (its figures)
  // in place of the live list; the live poll goes on. The button of the
  // view shown is pressed.
  const views = {
    live: { label: 'history.live', make: () => live },
    history: { label: 'history.open', make: () => historyView({ client, t, lang, onLeave: (release) => { leaveShown = release; } }) },
    analytics: { label: 'analytics.open', make: () => analyticsView({ client, t, lang }) },
  };
  let shown = live;
  let leaveShown = null; // what the view shown lets go of when another replaces it
  const viewButtons = Object.entries(views).map(([name, view]) => {
    const button = h('button', { type: 'button', class: 'secondary', 'data-view': name, 'aria-pressed': String(name === 'live') }, t(view.label));
    button.addEventListener('click', () => {
      const leave = leaveShown;
      leaveShown = null;
      const next = view.make(); // History gives its release here
      if (next !== shown) { leave?.(); shown.replaceWith(next); shown = next; } else leaveShown = leave;
      for (const b of viewButtons) b.setAttribute('aria-pressed', String(b === button));
    });
    return button;
  });
  app.replaceChildren(
    h('header', { class: 'bar' }, h('h1', {}, t('title')),
      h('p', { class: 'who-am-i' }, t('signedInAs', { name: credentials.name })),
      h('nav', { class: 'views', 'aria-label': t('views.label') }, viewButtons), signOut),
    announcer,
    live);

  // The list, rebuilt from each answer (the API's order: waiting first,
  // longest wait first); focus stays on the conversation it was on.
  function showList(conversations) {
    const focusedId = document.activeElement?.closest?.('.conversations button')?.dataset.id;
    list.replaceChildren(...conversations.map((c) => {
      const button = h('button', { type: 'button', 'data-id': c.conversation_id, 'data-state': c.state,
        'aria-current': c.conversation_id === selected ? 'true' : false },
      h('span', { class: 'conversation-id' }, shortId(c.conversation_id)), ' ',
      h('span', { class: 'state' }, stateText(t, c)));
      button.addEventListener('click', () => select(c.conversation_id));
      return h('li', {}, button);
    }));
    empty.hidden = conversations.length > 0;
    if (focusedId) list.querySelector(`button[data-id="${CSS.escape(focusedId)}"]`)?.focus();
    const waiting = conversations.filter((c) => c.state === 'waiting').map((c) => c.conversation_id);
    const fresh = known === null ? [] : waiting.filter((id) => !known.has(id));
    if (fresh.length) announcer.textContent = fresh.map((id) => t('announce.waiting', { id: shortId(id) })).join(' ');
    known = new Set(waiting);
  }

  function select(id) {
    detail?.release();
    selected = id;
    for (const b of list.querySelectorAll('button')) b.setAttribute('aria-current', String(b.dataset.id === id));
    detail = buildDetail(id);
    detailSection.replaceChildren(...detail.nodes);
    detail.heading.focus();
    refreshDetail();
  }

  // The detail panel's skeleton for one conversation: built once on
  // selection, its parts updated in place by each poll (so a half-written
  // reply or note is never lost).
  function buildDetail(id) {
    const heading = h('h2', { id: 'detail-heading', tabindex: '-1' }, t('detail.heading', { id: shortId(id) }));
    const control = h('dd', {});
    const visitor = h('dd', {});
    const handoffTerm = h('dt', { hidden: true }, t('detail.handoff'));
    const handoff = h('dd', { hidden: true });
    // Page, product, basket: each shown only when the shopper's page said it.
    const facts = ['page', 'product', 'cart'].map((key) => ({ key, term: h('dt', { hidden: true }, t(`detail.${key}`)), value: h('dd', { hidden: true }) }));
    const take = h('button', { type: 'button' }, t('action.take'));
    const handBack = h('button', { type: 'button', class: 'secondary' }, t('action.handBack'));
    const status = h('p', { class: 'feedback', role: 'status' });
    const error = h('p', { class: 'error', role: 'alert' });
    const transcript = h('div', {});
    const photos = createPhotoShelf({ client, conversationId: id, t });
    const entries = h('div', {});
    const replyText = h('textarea', { id: 'reply-text', rows: 3, maxlength: 4000 });
    const replyForm = h('form', { class: 'compose', hidden: true },
      h('label', { for: 'reply-text' }, t('reply.label')), replyText, h('button', { type: 'submit' }, t('reply.send')));
    const noteText = h('textarea', { id: 'note-text', rows: 2, maxlength: 4000 });
    const noteForm = h('form', { class: 'compose note' },
      h('label', { for: 'note-text' }, t('note.label')), noteText, h('button', { type: 'submit', class: 'secondary' }, t('note.add')));

    // Runs one action; says what happened; refreshes the list and the detail.
    // A form's `cleared` runs before the status says it is done, so
    // "recorded" never shows beside the text it recorded.
    async function act(call, done, cleared) {
      error.textContent = '';
      status.textContent = '';
      const answer = await call();
      if (answer.status === 401) return expired();
      if (answer.ok) { cleared?.(); status.textContent = t(done); }
      else error.textContent = failureText(t, answer);
      await tick();
      return answer.ok;
    }
    take.addEventListener('click', () => act(() => client.take(id), 'done.take'));
    handBack.addEventListener('click', () => act(() => client.handBack(id), 'done.handBack'));
    let pending = null; // {text, messageId}: a retry of the same text reuses the id (applied once)
    // While staff type a reply, the shopper sees "‹name› is typing…" (the
    // widget expires it on its own when these stop).
    let typedAt = 0;
    replyText.addEventListener('input', () => {
      if (!replyText.value.trim() || Date.now() - typedAt < TYPING_EVERY_MS) return;
      typedAt = Date.now();
      client.typing(id);
    });
    replyForm.addEventListener('submit', async (event) => {
      typedAt = 0;
      event.preventDefault();
      const text = replyText.value;
      if (!text.trim()) return;
      if (pending?.text !== text) pending = { text, messageId: newMessageId() };
      await act(() => client.reply(id, pending.messageId, text), 'done.reply', () => { replyText.value = ''; pending = null; });
    });
    noteForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!noteText.value.trim()) return;
      await act(() => client.note(id, noteText.value), 'done.note', () => { noteText.value = ''; });
    });

    // Shown only once the page ran something for the agent.
    const actionsHeading = h('h3', { hidden: true }, t('detail.actions'));
    const actions = h('ol', { class: 'entries actions-ran', hidden: true });
    let drawn = '';
    return {
      id, heading,
      release: photos.release,
      nodes: [heading,
        h('dl', { class: 'facts' }, h('dt', {}, t('detail.control')), control, h('dt', {}, t('detail.visitor')), visitor,
          ...facts.flatMap((f) => [f.term, f.value]), handoffTerm, handoff),
        h('div', { class: 'actions' }, take, handBack), status, error,
        h('h3', {}, t('detail.transcript')), transcript,
        h('h3', {}, t('detail.entries')), entries,
        actionsHeading, actions,
        replyForm, noteForm, leadForm({ t, act, record: (leadId, kind, note) => client.lead(id, leadId, kind, note) })],
      update(d) {
        const state = d.control?.state;
        control.textContent = stateText(t, { ...d.control, waiting_ms: Date.now() - (d.control?.since ?? Date.now()) });
        visitor.textContent = visitorText(t, d.visitor);
        const said = contextFacts(t, d.context);
        for (const f of facts) {
          f.term.hidden = f.value.hidden = !said[f.key];
          f.value.textContent = said[f.key];
        }
        handoffTerm.hidden = handoff.hidden = !d.handoff;
        if (d.handoff) {
          handoff.textContent = d.handoff.by === 'agent'
            ? t('detail.askedBy.agent', { summary: d.handoff.summary ?? '' }) : t('detail.askedBy.shopper');
        }
        take.hidden = state === 'person';
        handBack.hidden = state === 'ai';
        replyForm.hidden = state !== 'person';
        const ran = actionLines(t, d.actions);
        actionsHeading.hidden = actions.hidden = ran.length === 0;
        actions.replaceChildren(...ran.map((text) => h('li', { class: 'line event' }, text)));
        const next = JSON.stringify([d.transcript, d.entries]);
        if (next !== drawn) { // redrawn only when it changed
          drawn = next;
          transcript.replaceChildren(transcriptList(t, d.transcript, lang, photos.list));
          entries.replaceChildren(entryList(t, d.entries, photos.list));
          photos.prune([...(d.transcript ?? []), ...(d.entries ?? [])].flatMap((e) => (e.attachments ?? []).map((a) => a.id)));
        }
      },
    };
  }

  async function refreshDetail() {
    if (!detail) return;
    const { id } = detail;
    const answer = await client.detail(id);
    if (answer.status === 401) return expired();
    if (detail?.id !== id) return; // another was selected meanwhile
    if (answer.ok) detail.update(answer.body);
    // Seen by a person: the shopper's messages so far are read (a read event
    // only when something new arrived since the last).
    if (answer.ok && document.visibilityState === 'visible') client.read(id);
  }

  async function tick() {
    const answer = await client.list();
    if (stopped) return;
    if (answer.status === 401) return expired();
    if (answer.ok) showList(answer.body.conversations ?? []);
    await refreshDetail();
  }

  let pollTimer = null;
  const poll = async () => { await tick(); if (!stopped) pollTimer = setTimeout(poll, POLL_MS); };
  const heartbeat = () => { if (document.visibilityState === 'visible') client.presence(); };
  const presenceTimer = setInterval(heartbeat, PRESENCE_MS);
  document.addEventListener('visibilitychange', heartbeat);
  stopLoops = () => {
    stopped = true;
    detail?.release();
    leaveShown?.();
    clearTimeout(pollTimer);
    clearInterval(presenceTimer);
    document.removeEventListener('visibilitychange', heartbeat);
  };
  poll();
  app.focus();
}

const saved = session.load();
if (saved) consoleView(saved);
else signInView();
