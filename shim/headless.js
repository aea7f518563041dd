// Natter without a browser: the same WASM core, run loop and HTTP transport
// the widget uses, with an in-memory transcript instead of a DOM. For shops'
// own tests and for ours (tests/node/headless_conversation.test.mjs).
//
//   import { createHeadlessClient } from 'natter/shim/headless.js';
//   import { CORE_IMPORTS, initCore } from 'natter/shim/core-api.js';
//   const { instance } = await WebAssembly.instantiate(readFileSync('natter.core.wasm'), CORE_IMPORTS);
//   const chat = createHeadlessClient({ wasm: initCore(instance), endpoint: 'http://127.0.0.1:8787' });
//   chat.identify({ id: 'u-7', name: 'Ana' });               // optional (natter('identify'))
//   const reply = await chat.ask('do you have PS5 games?');  // {text, cards, ...}
//   chat.dispose();
//
// natter.core.wasm is the whole core (build/wasm/wasm/, `npm run build`); a
// release ships it in two parts (docs/decisions/0006-core-split-by-first-chat-profile.md, "The core in two
// parts"), which run here too once both are in: instantiate its core_wasm
// (or core_session_wasm) with SPLIT_CORE_IMPORTS, give initCore(instance,
// {load}) a load(imports) that instantiates its core_rest_wasm (or
// core_session_rest_wasm) with them, and await
// wasm.loadRest() before createHeadlessClient (ask() answers a send at
// once, so it does not wait for a part still loading).
//
// `wasm` is the started core (one per instance: initCore); the
// platform pieces default to node's globals and can be swapped like the
// widget's (see platform.js).

import { randomBytes } from 'node:crypto';
import { createCoreHost } from './core-host.js';
import { natterCoreClass } from './core-api.js';
import { createHttpTransport } from './http-transport.js';
import { createEffectRunner } from './effects.js';
import { createListeners } from './listeners.js';

function memoryUi(transcript) {
  const byId = new Map();
  return {
    composer: { clear() {}, showError(text) { transcript.composerError = text; } },
    messages: {
      addUser(e) { byId.set(e.message_id, { role: 'user', id: e.message_id, text: e.text, state: 'sending' }); transcript.messages.push(byId.get(e.message_id)); },
      setDelivery(e) { Object.assign(byId.get(e.message_id) || {}, { state: e.state, detail: e.detail }); },
      updateAgent(e) {
        let reply = byId.get('reply:' + e.reply_to);
        if (!reply) {
          reply = { role: 'agent', replyTo: e.reply_to, content: null, cards: [], done: false };
          byId.set('reply:' + e.reply_to, reply);
          transcript.messages.push(reply);
        }
        reply.content = e.content;
        reply.done = e.done;
      },
      addCard(e) {
        const reply = byId.get('reply:' + e.reply_to);
        if (reply) reply.cards.push(e);
      },
      // A headless widget declares no actions: no confirm card to draw.
      addPart() {},
    },
  };
}

// Plain text of a rich-text model (docs/boundary.md).
export function plainText(content) {
  if (!content) return '';
  return content.blocks
    .map((b) => b.lines.map((line) => line.map((s) => s.text).join('')).join('\n'))
    .join('\n\n');
}

export function createHeadlessClient({
  wasm, endpoint, conversationId = '', fetch = globalThis.fetch,
  now = () => performance.now(), console = globalThis.console,
}) {
  const transcript = { messages: [], logs: [], composerError: '' };
  const listeners = createListeners({ console });
  const log = (level, text) => transcript.logs.push({ level, text });
  const seed = randomBytes(16).toString('hex');
  // The conversation's key from its own draw (shim/config.js coreConfig says why).
  const key = randomBytes(24).toString('hex');
  const NatterCore = natterCoreClass(wasm);
  const core = new NatterCore(JSON.stringify({
    chat_url: endpoint.replace(/\/$/, '') + '/api/chat',
    conversation_id: conversationId, seed_hi: seed.slice(0, 16), seed_lo: seed.slice(16), conversation_key: key,
  }));
  let host;
  const transport = createHttpTransport({ fetch, dispatch: (e) => host.dispatch(e), wallNow: Date.now });
  const stored = new Map(); // the persist effect's blob: this client's lifetime only
  const storage = { get: (key) => stored.get(key) ?? null, set: (key, value) => stored.set(key, value) };
  const runEffect = createEffectRunner({ ui: memoryUi(transcript), transport, storage, listeners, log });
  // A failed core is fed nothing more (core-host.js); here nothing starts
  // another: a pending ask() rejects, and so does every later one.
  let failed = null; // the failure's text, once the core failed
  const onFailed = (err) => {
    failed = `the core failed: ${err?.message ?? err}`;
    listeners.emit('error', { code: 'core_failed', detail: failed, restarting: false });
  };
  host = createCoreHost({ core, runEffect, now, setTimeout, clearTimeout, console, onFailed });

  // Sends `text` and resolves with the finished reply, or rejects when the
  // message fails (after the core's own retries).
  function ask(text) {
    return new Promise((resolve, reject) => {
      if (failed) { reject(new Error(failed)); return; }
      let id = null;
      const onMessage = (m) => {
        if (m.role === 'user' && id === null) id = m.message_id;
        if (m.role === 'agent' && m.reply_to === id) {
          done();
          const reply = transcript.messages.find((x) => x.replyTo === id);
          resolve({ messageId: id, text: plainText(reply.content), content: reply.content, cards: reply.cards });
        }
      };
      const onError = (e) => {
        if ((e.code === 'send_failed' && e.message_id === id) || e.code === 'core_failed') { done(); reject(new Error(e.detail)); }
      };
      const done = () => { listeners.off('message', onMessage); listeners.off('error', onError); };
      listeners.on('message', onMessage);
      listeners.on('error', onError);
      host.dispatch({ type: 'host_send', text });
      if (id === null) { done(); reject(new Error(transcript.composerError || 'not sent (blank, or a send is in flight)')); }
    });
  }

  return {
    ask,
    send: (text) => host.dispatch({ type: 'host_send', text }),
    identify: (visitor) => { host.dispatch({ type: 'host_identify', visitor }); },
    on: listeners.on,
    off: listeners.off,
    transcript,
    stats: () => JSON.parse(core.statsJson()),
    conversationId: () => core.conversationId(),
    identity: () => JSON.parse(core.identityJson()),
    dispose() { transport.abortAll(); host.dispose(); },
  };
}
