// Validates the embedding configuration (the loader's data-* attributes)
// and builds the core's config object (docs/ARCHITECTURE.md, "config").
// The core ignores unknown keys and keeps defaults for bad values; it is
// this file's job to refuse a bad embed loudly, before the core starts.
//
//   data-endpoint   the agent's origin, e.g. "https://agent.example";
//                   empty or absent: the page's own origin
//   data-title      the panel's heading (default "Chat with us")

export const CONVERSATION_KEY = 'natter.conversation';

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

// A stored conversation id is reused only if it looks like one the core
// minted; anything else (tampered storage) starts a new conversation.
export function storedConversation(value) {
  return typeof value === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(value) ? value : '';
}

// dataset: the loader's data-* attributes; seeds: platform.seeds().
export function coreConfig({ dataset, pageUrl, seeds, storedId }) {
  return {
    chat_url: chatUrl(dataset.endpoint, pageUrl),
    conversation_id: storedConversation(storedId),
    max_text_chars: 4000,
    max_auto_retries: 3,
    seed_hi: seeds.hi,
    seed_lo: seeds.lo,
  };
}

export function panelTitle(dataset) {
  const title = String(dataset.title ?? '').trim();
  return title ? title.slice(0, 60) : 'Chat with us';
}
