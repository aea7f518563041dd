// The `suggestions` event an adapter may yield after its text: reply chips
// (a tap sends the text as the shopper's next message) and link buttons
// (https only). docs/agents.md gives the contract; the widget's core checks
// the same rules again (wasm/src/chat/suggestions.cpp). Items that fail are
// dropped one by one, with a reason for the gateway's log; the rest pass.

export const MAX_REPLIES = 4;
export const MAX_LINKS = 2;
export const MAX_TEXT = 40; // UTF-16 units, after trimming; longer is dropped, never cut
const MAX_URL = 2048;

// The words of a chip or button, or '' when unusable.
function chipText(value) {
  if (typeof value !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return text.length > MAX_TEXT ? '' : text;
}

function isHttpsUrl(value) {
  if (typeof value !== 'string' || value.length > MAX_URL) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

// data: what the adapter yielded as the event's data. Returns
// { data: {replies, links} | null (nothing left), dropped: ['why', …] }.
export function checkSuggestions(data) {
  const dropped = [];
  const replies = [];
  const links = [];
  const list = (value, name) => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    dropped.push(`suggestions.${name} must be an array`);
    return [];
  };
  for (const item of list(data?.replies, 'replies')) {
    const text = chipText(item);
    if (!text) dropped.push(`a reply must be a non-blank string of at most ${MAX_TEXT} characters`);
    else if (replies.includes(text)) dropped.push(`a repeated reply ${JSON.stringify(text)}`);
    else if (replies.length === MAX_REPLIES) dropped.push(`more than ${MAX_REPLIES} replies`);
    else replies.push(text);
  }
  for (const item of list(data?.links, 'links')) {
    const text = chipText(item?.text);
    if (!text) dropped.push(`a link's text must be a non-blank string of at most ${MAX_TEXT} characters`);
    else if (!isHttpsUrl(item?.url)) dropped.push(`a link's url must be https (${JSON.stringify(String(item?.url)).slice(0, 60)})`);
    else if (links.length === MAX_LINKS) dropped.push(`more than ${MAX_LINKS} links`);
    else links.push({ text, url: item.url });
  }
  return { data: replies.length || links.length ? { replies, links } : null, dropped };
}
