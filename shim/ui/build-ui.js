// The panel and everything drawn in it before the first chat: messages,
// the status line, the live session's controls, and the hosts of the chunks
// that draw the rest (reply parts, the conversation list).

import { createPanel } from './panel.js';
import { createMessages } from './messages.js';
import { createStatusLine } from './status-line.js';
import { panelSheet } from './styles.js';
import { createViewportFit } from './viewport.js';
import { createMicButton } from './mic-button.js';
import { createHandoffOffer } from './handoff-offer.js';
import { createLazyConversations, loadConversationsChunk } from './load-conversations.js';
import { createLazyReplyParts, loadReplyPartsChunk } from './load-reply-parts.js';
import { createContinueButton } from '../continue/continue-button.js';
import { bindComposer, bindPanelKeys } from '../keyboard.js';

// look: {options, t, locale} (look.js).
export function buildUi(ctx, listeners, dispatch, platform, session, look, multiple, log) {
  const sheet = panelSheet();
  if (sheet) ctx.root.adoptedStyleSheets = [...ctx.root.adoptedStyleSheets, sheet];
  const fit = createViewportFit({ win: window, doc: document, root: ctx.root });
  const panel = createPanel({
    doc: document,
    root: ctx.root,
    launcher: ctx.launcher,
    title: look.options.title,
    greeting: look.options.greeting,
    launcherLabel: look.options.launcherLabel,
    t: look.t,
    locale: look.locale,
    onOpenChange: (open) => {
      if (open) fit.opened();
      else fit.closed();
      // Opening the panel wants the live session (again, after a disconnect).
      if (open && session) dispatch({ type: 'session_wanted' });
      listeners.emit(open ? 'open' : 'close', {});
    },
  });
  // Product cards and reply chips: their own chunk, shared by every
  // conversation's messages (ui/load-reply-parts.js).
  const replyParts = createLazyReplyParts({
    load: () => loadReplyPartsChunk({ manifest: ctx.manifest, base: ctx.base }),
    build: ({ createReplyParts }) => createReplyParts({ doc: document, ctx, t: look.t, dispatch }),
    log,
  });
  // A fresh one for each conversation opened (boot.js openConversation).
  const makeMessages = () => createMessages({
    doc: document,
    list: panel.list,
    t: look.t,
    agentName: look.options.agentName,
    onRetry: (id) => dispatch({ type: 'retry_clicked', message_id: id }),
    onSaveToggle: (id) => dispatch({ type: 'product_save_toggled', product_id: id }),
    onSuggestion: (text) => dispatch({ type: 'suggestion_tapped', text }),
    replyParts,
  });
  const messages = makeMessages();
  // data-conversations="multiple": the list above the conversation.
  // Its place is kept by an empty text node, since the status line goes in
  // above the conversation before the list's chunk is in.
  const conversationsPlace = multiple ? panel.panel.insertBefore(document.createTextNode(''), panel.list.parentNode) : null;
  const conversations = multiple ? createLazyConversations({
    load: () => loadConversationsChunk({ manifest: ctx.manifest, base: ctx.base }),
    build: ({ createConversations }) => createConversations({
      doc: document, parent: panel.panel, before: conversationsPlace, t: look.t, locale: look.locale,
      onNew: () => dispatch({ type: 'conversation_new_clicked' }),
      onSwitch: (id) => dispatch({ type: 'conversation_switch_clicked', id }),
    }),
    log,
  }) : null;
  const status = createStatusLine({
    doc: document,
    parent: panel.panel,
    before: panel.list.parentNode,
    onRetryNow: () => dispatch({ type: 'retry_now_clicked' }),
    words: {
      reconnectingIn: (seconds) => look.t('status.reconnectingIn', { seconds }),
      reconnectingNow: look.t('status.reconnectingNow'),
      retryNow: look.t('status.retryNow'),
      useHere: look.t('status.useHere'),
    },
    focusFallback: panel.textarea,
    now: platform.now,
    setTimeout: platform.setTimeout,
    clearTimeout: platform.clearTimeout,
  });
  // The live session's controls, there when the panel opens: the
  // microphone (voice rides on the live session), a person from the shop
  // (presence.hpp) and continue on a phone. What they lead to comes with the
  // session UI chunk (session-ui/session-ui-host.js).
  const micButton = session ? createMicButton({
    doc: document, composerRow: panel.sendButton.parentNode, sendButton: panel.sendButton, t: look.t,
    onStart: () => dispatch({ type: 'voice_start_clicked' }),
  }) : null;
  const handoff = session ? createHandoffOffer({
    doc: document, parent: panel.panel, before: panel.list.parentNode.nextSibling, t: look.t,
    onAsk: () => dispatch({ type: 'handoff_requested' }),
  }) : null;
  const continueButton = session ? createContinueButton({ doc: document, panel, t: look.t, dispatch }) : null;
  bindComposer({ textarea: panel.textarea, sendButton: panel.sendButton, dispatch });
  bindPanelKeys({ panel: panel.panel, onEscape: panel.close });
  return {
    panel, messages, makeMessages, status, composer: panel.composer, micButton, handoff, continueButton, conversations, replyParts,
  };
}
