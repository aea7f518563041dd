// Builds the core's config object from the connection keys
// (docs/boundary.md, "config"). The core ignores unknown keys and keeps
// defaults for bad values; shim/config-check.js has already refused an
// invalid embed as a whole, and the throws below stay as a second line.
// `dataset` here is the connection values with their precedence
// (init > <natter-widget> attributes > data-* > envDefaults below:
// connectionValues()).
//
//   data-endpoint   the agent's origin, e.g. "https://agent.example";
//                   empty: the page's own origin; absent: the build's
//                   default (envDefaults)
//   data-title      the panel's heading (default "Chat with us")
//   data-transport  "http" (default: each message is a POST /api/chat) or
//                   "session" (the live session over WebSocket at
//                   {endpoint}/api/session, docs/protocol.md)
//   data-token-url  the shop's own endpoint that hands this shopper a
//                   short-lived token (same origin or CORS with
//                   credentials); empty or absent: no token is sent
//                   (docs/deploying.md, "Tokens without secrets in the page")
//   data-save-products  "on" (default) or "off": product cards get a Save
//                   toggle and the page the product_saved / product_unsaved
//                   events (wasm/src/chat/saved_products.hpp)
//   data-conversations  "single" (default) or "multiple": several
//                   conversations per shopper, a list to switch between
//                   (wasm/src/chat/conversation_list.hpp); off by default, since
//                   shared computers exist

export const CONVERSATION_KEY = 'natter.conversation';
// Written by the core's persist effect (JSON text: {session_id,
// resume_token, last_event_seq, outbox, transcript, visitor, saved}; over
// HTTP the same without resume_token and last_event_seq); read back at the next boot.
export const SESSION_KEY = 'natter.session';
// Written by the core before it reloads the page for a release (JSON text:
// {at: wall ms, reason, build?}); its `at` goes back to the core, which
// allows one such reload per tab per 10 minutes (wasm/src/session/release_watch.hpp).
export const RELOAD_KEY = 'natter.reload';
export const TRANSPORTS = ['http', 'session'];
// With data-conversations="multiple" only: the list of the shopper's
// conversations (JSON text written by the core: {v, current, items:
// [{id, title, last_ms}]}), and each conversation's own session blob under
// SESSION_KEY + '.' + id (the same fields as SESSION_KEY's). Without the
// option none of these is read or written.
export const CONVERSATIONS_KEY = 'natter.conversations';
export const sessionKeyOf = (id) => `${SESSION_KEY}.${id}`;

// data-conversations: true for "multiple".
export function multipleConversations(dataset) {
  return String(dataset.conversations ?? '').trim() === 'multiple';
}

// The stored session blob for this page's conversation: its own key with
// several conversations (or, the first time, the single blob if it is this
// conversation's: restoredSession checks its session_id), else SESSION_KEY.
export function storedSessionText(storage, dataset, storedId) {
  if (!multipleConversations(dataset)) return storage.get(SESSION_KEY);
  const id = storedConversation(storedId);
  const own = id ? storage.get(sessionKeyOf(id)) : null;
  return own ?? storage.get(SESSION_KEY);
}

// The bottom of the precedence (init > <natter-widget> attributes > data-* >
// these): the build's defaults for its environment (__NATTER_ENV__).
//   development  the endpoint is the local reference server, i.e. the
//                server the loader itself came from (`npm start` serves
//                the widget, the demo and the agent from one origin)
//   staging,     the endpoint is the page's own origin ("" below); the
//   production   widget never guesses a localhost URL
// scriptUrl: the loader's own URL.
export function envDefaults(env, scriptUrl) {
  if (env !== 'development') return { endpoint: '' };
  let origin = '';
  try {
    origin = new URL(scriptUrl).origin;
  } catch { /* no usable URL: the page's origin */ }
  return { endpoint: origin === 'null' ? '' : origin };
}

// Returns the absolute chat URL, or throws with a message for the console.
export function chatUrl(endpoint, pageUrl) {
  const base = String(endpoint ?? '').trim().replace(/\/+$/, '');
  let url;
  try {
    url = new URL(base + '/api/chat', pageUrl);
  } catch {
    throw new Error(`data-endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`data-endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}`);
  }
  return url.href;
}

// The session URL: the chat URL's sibling, ws: or wss: like the page's http(s).
export function sessionUrl(endpoint, pageUrl) {
  const url = new URL(chatUrl(endpoint, pageUrl));
  url.pathname = url.pathname.replace(/\/api\/chat$/, '/api/session');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

// The absolute token URL (relative to the page), "" when none is set, or
// throws with a message for the console.
export function tokenUrl(value, pageUrl) {
  const text = String(value ?? '').trim();
  if (!text) return '';
  let url;
  try {
    url = new URL(text, pageUrl);
  } catch {
    throw new Error(`data-token-url ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`data-token-url must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url.href;
}

// data-transport, or throws with a message for the console.
export function transportMode(dataset) {
  const value = String(dataset.transport ?? '').trim() || 'http';
  if (!TRANSPORTS.includes(value)) {
    throw new Error(`data-transport must be one of ${TRANSPORTS.join(', ')}, got ${JSON.stringify(dataset.transport)}`);
  }
  return value;
}

// A tab id for this page load (hello.tab_id), from platform.seeds().
export function mintTabId(seeds) {
  return seeds.hi + seeds.lo;
}

// What the last page of this conversation persisted, as core config keys:
// only when it belongs to `conversationId`, and only the fields that have
// the right type (the core re-checks the outbox entries). Anything else,
// unreadable JSON included, restores nothing.
export function restoredSession(storedText, conversationId) {
  if (!conversationId || typeof storedText !== 'string') return {};
  let saved;
  try {
    saved = JSON.parse(storedText);
  } catch {
    return {};
  }
  if (!saved || typeof saved !== 'object' || saved.session_id !== conversationId) return {};
  const out = {};
  if (typeof saved.resume_token === 'string') out.resume_token = saved.resume_token;
  // The conversation's HTTP secret: without it a reload could no longer
  // write to the conversation (docs/protocol.md, "conversation_key").
  if (typeof saved.conversation_key === 'string' && /^[0-9a-f]{32,128}$/.test(saved.conversation_key)) {
    out.conversation_key = saved.conversation_key;
  }
  if (Number.isSafeInteger(saved.last_event_seq) && saved.last_event_seq >= 0) out.last_event_seq = saved.last_event_seq;
  if (Array.isArray(saved.outbox)) out.outbox = saved.outbox;
  if (Array.isArray(saved.transcript)) out.transcript = saved.transcript;
  // The core re-checks it like natter('identify') (visitor.hpp).
  if (saved.visitor && typeof saved.visitor === 'object' && !Array.isArray(saved.visitor)) out.visitor = saved.visitor;
  // The saved products (the core re-checks each like a card).
  if (Array.isArray(saved.saved)) out.saved = saved.saved;
  // Actions confirmed and not yet reported: asked again, never run again
  // unasked (the core re-checks each, chat/actions.hpp).
  if (Array.isArray(saved.actions)) out.actions = saved.actions;
  return out;
}

// A stored conversation id is reused only if it looks like one the core
// minted; anything else (tampered storage) starts a new conversation.
export function storedConversation(value) {
  return typeof value === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(value) ? value : '';
}

// When this tab last reloaded for a release: RELOAD_KEY's `at`, or 0.
export function lastReloadAt(storedText) {
  try {
    const at = JSON.parse(storedText)?.at;
    return Number.isSafeInteger(at) && at > 0 ? at : 0;
  } catch {
    return 0;
  }
}

// dataset: the loader's data-* attributes; seeds: platform.seeds().
// storedSession: storage's SESSION_KEY text, or null. In session mode
// also: tabId (mintTabId), build and version (the manifest's), channelUrl
// (the channel pointer the page follows; absent when pinned), wallNow
// (Date.now()) and storedReload (storage's RELOAD_KEY text, or null).
// `capabilities`: shim/capabilities.js's facts about this browser.
// With data-conversations="multiple": storedIndex is storage's
// CONVERSATIONS_KEY text (or null), and storedSession the conversation's
// own blob (storedSessionText).
export function coreConfig({
  dataset, pageUrl, seeds, storedId, tabId, build, version, channelUrl, wallNow, storedReload, storedSession,
  capabilities, storedIndex = null,
}) {
  const conversationId = storedConversation(storedId);
  const config = {
    chat_url: chatUrl(dataset.endpoint, pageUrl),
    conversation_id: conversationId,
    max_text_chars: 4000,
    max_auto_retries: 3,
    seed_hi: seeds.hi,
    seed_lo: seeds.lo,
    // A new conversation's key, from the CSPRNG directly (platform.js): the
    // core's own generator also mints the ids that pages, logs and stats
    // show, so a key drawn from it could be worked out from them. A stored
    // key (the conversation's own, restoredSession) replaces it.
    conversation_key: seeds.key,
  };
  // Only when set: without it the core never asks for a token.
  const token = tokenUrl(dataset.tokenUrl, pageUrl);
  if (token) config.token_url = token;
  if (String(dataset.saveProducts ?? '').trim() === 'off') config.save_products = false;
  if (multipleConversations(dataset)) {
    config.multiple_conversations = true;
    config.conversations_json = typeof storedIndex === 'string' ? storedIndex : '';
    // The list's "last activity" dates (both transports).
    config.wall_now_ms = Number.isSafeInteger(wallNow) && wallNow > 0 ? wallNow : 0;
  }
  if (transportMode(dataset) !== 'session') {
    // Over HTTP a page hands the next the conversation (transcript, the
    // unanswered messages), the visitor and the saved products; no session.
    const { resume_token: _token, last_event_seq: _seq, ...kept } = restoredSession(storedSession, conversationId);
    return { ...config, ...kept };
  }
  const voiceMissing = capabilities?.voice_missing ?? [];
  return {
    ...config,
    ...(voiceMissing.length ? { voice_missing: voiceMissing.join(',') } : {}),
    ...(capabilities?.rtc ? { rtc: true } : {}),
    session_url: sessionUrl(dataset.endpoint, pageUrl),
    tab_id: String(tabId ?? ''),
    build: String(build ?? ''),
    version: String(version ?? ''),
    channel_url: String(channelUrl ?? ''),
    wall_now_ms: Number.isSafeInteger(wallNow) && wallNow > 0 ? wallNow : 0,
    last_reload_wall_ms: lastReloadAt(storedReload),
    ...restoredSession(storedSession, conversationId),
  };
}

export function panelTitle(dataset) {
  const title = String(dataset.title ?? '').trim();
  return title ? title.slice(0, 60) : 'Chat with us';
}
