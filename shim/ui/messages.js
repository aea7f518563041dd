// The conversation list: the shopper's bubbles with their delivery line,
// and the agent's replies keyed by reply_to (the shopper message they
// answer). A reply's content is REPLACED on every update: the core sends
// the whole reply as it stands, and a replayed reply after a retry starts
// the same bubble over instead of adding a second one.

import { renderRichText } from './rich-text.js';
import { DELIVERY_TEXT } from './strings.js';
import { createTranslator } from '../i18n/translate.js';
import { deliveryLine } from '../i18n/core-text.js';
import { el as domEl } from './dom.js';

// What the delivery line says for each state the core reports (strings.js).
export { DELIVERY_TEXT };

export function deliveryText(state, detail) {
  const text = DELIVERY_TEXT[state];
  return text ? text(detail) : state;
}

const el = (doc, tag, className, text) => domEl(doc, tag, { class: className }, text);

// A bubble takes its direction from its own text (dir="auto"), not the
// panel's: an English answer in an Arabic widget reads left to right, its
// colon and list bullets where they belong, and Arabic typed into an
// English widget reads right to left.
function textBubble(doc, className, text) {
  const node = el(doc, 'div', className, text);
  node.dir = 'auto';
  return node;
}

// list: the conversation's <ol> (inside the role="log" region); onRetry(message_id) is called by a Retry
// button (boot.js turns it into the core's retry_clicked event), and
// onSaveToggle(product_id) by a card's Save toggle (product_save_toggled),
// and onSuggestion(text) by a reply chip (suggestion_tapped).
// t: the translator (English by default); agentName: the shop's ('' = catalogue's).
// replyParts: {when(draw)}, which calls draw(parts) with reply-parts.js's
// createReplyParts(...) once its chunk is in (load-reply-parts.js). A card
// or chip set is placed when the core shows it and drawn then.
export function createMessages({
  doc, list, onRetry, onSaveToggle = () => {}, onSuggestion = () => {}, t = createTranslator(), agentName = '',
  replyParts,
}) {
  const agentLabel = `${t('message.agent', { agent: agentName || t('message.agentName') })} `;
  const users = new Map(); // message_id -> {item, line, retry}
  const agents = new Map(); // reply_to -> {item, bubble, cards}
  const voices = new Map(); // voice bubble id -> {item, bubble, cut, cards}

  // Keeps the newest message in view, unless the shopper scrolled up to read.
  // Whether the list sits at its end is learnt from its scroll events, and
  // the scroll to the end runs once per frame: reading scrollHeight around
  // each change forced two layouts per bubble and per streamed delta (about
  // 5 ms of the first message's Enter -> fetch, measured in Chromium).
  let pinned = true;
  let lastTop = 0;
  let scrollQueued = false;
  list.addEventListener('scroll', () => {
    const top = list.scrollTop;
    const atEnd = list.scrollHeight - top - list.clientHeight < 48;
    // Only a move up unpins: our own (smooth) scroll to the end moves down.
    pinned = top < lastTop ? atEnd : pinned || atEnd;
    lastTop = top;
  }, { passive: true });
  const nextFrame = (fn) => (doc.defaultView?.requestAnimationFrame ? doc.defaultView.requestAnimationFrame(fn) : setTimeout(fn, 0));
  function keepPinned(change) {
    change();
    if (!pinned || scrollQueued) return;
    scrollQueued = true;
    nextFrame(() => {
      scrollQueued = false;
      if (pinned) list.scrollTop = list.scrollHeight;
    });
  }

  // The shopper has answered: chips offered before it no longer apply.
  // Focus on a chip going away moves to the list, never to nowhere.
  let suggestionRows = [];
  let answered = 0; // how often the shopper answered: a chip set shown before that is not drawn
  function withdrawSuggestions() {
    answered += 1;
    const focused = (list.getRootNode?.() ?? doc).activeElement ?? doc.activeElement;
    for (const row of suggestionRows) {
      if (focused?.parentNode === row || focused?.parentNode?.parentNode === row) list.focus?.();
      row.remove();
    }
    starters = null;
    suggestionRows = [];
  }

  // reply_to "": the shop's starter prompts (of no reply), in their own
  // entry at the end of the list; a new set replaces the page's earlier one.
  let starters = null;
  function addSuggestions(e) {
    const shownAt = answered;
    const agent = e.reply_to === '' ? null : agentFor(e.reply_to);
    replyParts.when((parts) => {
      if (shownAt === answered) drawSuggestions(agent, parts.suggestions(e, onSuggestion));
    });
  }
  function drawSuggestions(agent, row) {
    if (!agent) {
      starters?.remove();
      starters = null;
      if (!row.children.length) return;
      starters = el(doc, 'li', 'msg starters');
      starters.setAttribute('part', 'starters');
      starters.appendChild(row);
      suggestionRows.push(starters);
      keepPinned(() => list.appendChild(starters));
      return;
    }
    suggestionRows.push(row);
    keepPinned(() => agent.item.appendChild(row));
  }

  function addUser({ message_id, text }) {
    withdrawSuggestions();
    keepPinned(() => {
      const item = el(doc, 'li', 'msg user');
      item.setAttribute('part', 'message user');
      item.appendChild(el(doc, 'span', 'sr-only', `${t('message.you')} `));
      item.appendChild(textBubble(doc, 'bubble', text));
      const status = el(doc, 'div', 'delivery');
      const line = el(doc, 'span', 'delivery-text', '');
      const retry = el(doc, 'button', 'retry', t('message.retry'));
      retry.type = 'button';
      retry.hidden = true;
      retry.addEventListener('click', () => onRetry(message_id));
      status.appendChild(line);
      status.appendChild(retry);
      item.appendChild(status);
      list.appendChild(item);
      users.set(message_id, { item, line, retry });
    });
  }

  function setDelivery({ message_id, state, detail, can_retry, receipt, by }) {
    const user = users.get(message_id);
    if (!user) return;
    user.line.textContent = deliveryLine(t, state, detail, receipt, by);
    user.item.setAttribute('data-state', state);
    if (receipt) user.item.setAttribute('data-receipt', receipt); // ticks drawn by CSS, beside the words
    else user.item.removeAttribute('data-receipt');
    const hadFocus = user.retry.matches?.(':focus');
    user.retry.hidden = !can_retry;
    if (hadFocus && !can_retry) list.focus?.(); // do not strand keyboard focus on a hidden button
  }

  // The agent's entry for reply_to, created on first use right after the
  // shopper's message it answers (so a retried old message gets its reply
  // in the right place), or at the end if that message is unknown.
  function agentFor(replyTo) {
    let agent = agents.get(replyTo);
    if (agent) return agent;
    const item = el(doc, 'li', 'msg agent');
    item.setAttribute('part', 'message agent');
    item.setAttribute('data-reply-to', replyTo); // the answer's name for its thumbs (ui/thumbs.js)
    const bubble = textBubble(doc, 'bubble rich');
    const cards = el(doc, 'div', 'cards');
    item.append(el(doc, 'span', 'sr-only', agentLabel), bubble, cards);
    list.insertBefore(item, users.get(replyTo)?.item.nextSibling ?? null); // null: at the end
    agent = { item, bubble, cards }; // author: set by showAuthor
    agents.set(replyTo, agent);
    return agent;
  }

  // A person from the shop wrote this reply (handoff): their name, shown
  // above the bubble and read first, instead of the assistant's label.
  function showAuthor(agent, author) {
    agent.author = author;
    agent.item.classList.add('staff');
    agent.item.setAttribute('part', 'message agent staff');
    agent.item.firstChild.remove(); // the assistant's label (agentFor)
    agent.item.insertBefore(el(doc, 'div', 'author', t('message.staffAuthor', { name: author })), agent.bubble);
  }

  function updateAgent({ reply_to, content, done, author }) {
    keepPinned(() => {
      const agent = agentFor(reply_to);
      if (author && !agent.author) showAuthor(agent, author);
      agent.bubble.replaceChildren(renderRichText(doc, content));
      // Screen readers wait for the finished reply instead of reading every piece.
      agent.item.setAttribute('aria-busy', done ? 'false' : 'true');
    });
  }

  const saveToggles = []; // {product_id, button}: every card's toggle, for product_saved_changed
  // product_id -> saved, as the core last said (a card or product_saved_changed):
  // a card drawn after a change shows the state the core holds by then.
  const savedNow = new Map();

  function addCard(card) {
    savedNow.set(card.product_id, Boolean(card.saved));
    addPart(card.reply_to, (parts) => {
      const { node, button } = parts.card({ ...card, saved: savedNow.get(card.product_id) }, onSaveToggle);
      if (button) saveToggles.push({ product_id: card.product_id, button });
      return node;
    });
  }
  // A part of reply `replyTo` (a card, an action's confirm card: effects.js)
  // placed under it at once and drawn by draw(parts) once the chunk is in.
  function addPart(replyTo, draw) {
    const target = voices.get(replyTo) ?? agentFor(replyTo);
    replyParts.when((parts) => {
      const node = draw(parts);
      keepPinned(() => target.cards.appendChild(node));
    });
  }

  // The core changed a product's saved state: every card of it shows so.
  function setSaved({ product_id, saved }) {
    savedNow.set(product_id, Boolean(saved));
    for (const toggle of saveToggles) {
      if (toggle.product_id === product_id) toggle.button.setAttribute('aria-pressed', saved ? 'true' : 'false');
    }
  }

  // A voice call's live transcript (voice_transcript_shown): the shopper's
  // words or the agent's spoken text, replaced on every update. Agent text
  // is untrusted: textContent only.
  function showVoice({ id, role, text, final, cut }) {
    keepPinned(() => {
      let voice = voices.get(id);
      if (!voice) {
        const shopper = role === 'shopper';
        const item = el(doc, 'li', `msg voice ${shopper ? 'user' : 'agent'}`);
        item.setAttribute('part', `message voice ${shopper ? 'user' : 'agent'}`);
        item.setAttribute('data-voice-id', id);
        item.appendChild(el(doc, 'span', 'sr-only', `${shopper ? t('message.you') : agentLabel.trim()} ${t('message.voice')} `));
        const bubble = textBubble(doc, 'bubble');
        const cutNote = el(doc, 'span', 'voice-cut', t('message.voiceCut'));
        cutNote.hidden = true;
        const cards = el(doc, 'div', 'cards');
        item.append(bubble, cutNote, cards);
        list.appendChild(item);
        voice = { item, bubble, cutNote, cards };
        voices.set(id, voice);
      }
      voice.bubble.textContent = text;
      voice.cutNote.hidden = !cut;
      voice.item.setAttribute('data-final', final ? 'true' : 'false');
      voice.item.setAttribute('aria-busy', final ? 'false' : 'true');
    });
  }

  // A one-off system notice (notice_shown), centred between the bubbles.
  function addNotice({ code, text }) {
    keepPinned(() => {
      const item = el(doc, 'li', 'notice', text);
      item.setAttribute('data-code', code);
      list.appendChild(item);
    });
  }

  return { addUser, setDelivery, updateAgent, addCard, setSaved, addNotice, showVoice, addSuggestions, addPart };
}
