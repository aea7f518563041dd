// The demo storefront is one page (web/demo/index.html). Its variants
// differ only in how the widget is embedded, so the server makes them from
// it instead of keeping copies that drift apart:
//
//   demo/live.html     the same script tag with data-transport="session"
//   demo/element.html  a bare script tag plus a <natter-widget> element
//   demo/token.html    the live session with data-token-url: shop tokens
//                      (a server started with requireToken / NATTER_TOKEN_SECRET)
//   demo/conversations.html  the live session with data-conversations="multiple":
//                      the shopper keeps several conversations and switches
//   demo/arabic.html   the widget in Arabic (data-locale="ar"): its texts and
//                      its right-to-left layout on an otherwise English shop
//
// Each edit names the exact text it replaces in index.html; a page that no
// longer has it fails loudly (tests/server/demo-pages.test.mjs) rather than
// serving a half-edited page.

const TAG = '<script async src="/natter.js" data-endpoint=""></script>';
const TITLE = '<title>Pixel Harbour Games: consoles';
const MAIN = '<main id="main">';
const LIVE_LINK = '<a href="/demo/live.html">Try the live-session version</a>.';

const VARIANTS = {
  'demo/live.html': [
    [TITLE, '<title>Pixel Harbour Games (live session): consoles'],
    [TAG, '<!-- The live session: one WebSocket to /api/session on this page\'s origin\n'
      + '       (reconnects, resumes across pages, an outbox while offline). -->\n'
      + '  <script async src="/natter.js" data-endpoint="" data-transport="session"></script>'],
    [LIVE_LINK, 'This page uses the live session; <a href="/">the HTTP version</a>.'],
  ],
  'demo/token.html': [
    [TITLE, '<title>Pixel Harbour Games (shop tokens): consoles'],
    [TAG, '<!-- Shop tokens: the widget asks this shop\'s own endpoint for a short-lived\n'
      + '       token (docs/deploying.md, "Tokens without secrets in the page"). -->\n'
      + '  <script async src="/natter.js" data-endpoint="" data-transport="session"'
      + ' data-token-url="/shop/natter-token"></script>'],
    [LIVE_LINK, 'This page uses the live session with shop tokens; <a href="/">the HTTP version</a>.'],
  ],
  'demo/conversations.html': [
    [TITLE, '<title>Pixel Harbour Games (several conversations): consoles'],
    [TAG, '<!-- Several conversations: the live session, plus a list above the chat\n'
      + '       to start a new conversation or go back to an earlier one. -->\n'
      + '  <script async src="/natter.js" data-endpoint="" data-transport="session"'
      + ' data-conversations="multiple"></script>'],
    [LIVE_LINK, 'This page keeps several conversations; <a href="/">the HTTP version</a>.'],
  ],
  'demo/arabic.html': [
    [TITLE, '<title>Pixel Harbour Games (widget in Arabic): consoles'],
    [TAG, '<!-- The shop chooses the widget\'s language (data-locale; otherwise <html lang>,\n'
      + '       then the browser\'s): Arabic, laid out right to left. -->\n'
      + '  <script async src="/natter.js" data-endpoint="" data-locale="ar"></script>'],
  ],
  'demo/element.html': [
    [TITLE, '<title>Pixel Harbour Games (element): consoles'],
    [TAG, '<!-- The element form: a bare script tag plus a <natter-widget> element\n'
      + '       anywhere in the body, which frameworks render more easily than data-*. -->\n'
      + '  <script async src="/natter.js"></script>'],
    // The configuration as attributes (the data-* names without "data-");
    // empty endpoint = this page's origin. The widget stays fixed in its
    // corner wherever the element sits.
    [MAIN, MAIN + '\n    <natter-widget endpoint="" transport="session" accent="#0b6e4f"'
      + ' launcher-label="Ask Pixel Harbour"></natter-widget>'],
  ],
};

export const DEMO_VARIANTS = Object.keys(VARIANTS);

// file: a path relative to web/ ("demo/live.html"). Returns the variant's
// HTML made from index.html's text, or null when `file` is not a variant.
// Throws when index.html lacks a text an edit replaces.
export function demoVariant(file, indexHtml) {
  const edits = VARIANTS[file];
  if (!edits) return null;
  let html = indexHtml;
  for (const [from, to] of edits) {
    if (!html.includes(from)) throw new Error(`web/demo/index.html no longer contains ${JSON.stringify(from)} (needed for ${file})`);
    html = html.replace(from, to);
  }
  return html;
}
