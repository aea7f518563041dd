// The continue link's one-time secret travels in the page URL's fragment
// (#natter-continue=<secret>): browsers never send a fragment to a server
// nor in a Referer. The widget takes it at boot and removes it from the
// address bar and history at once (history.replaceState), so a reload, a
// bookmark or a shared URL never carries it again.

export const FRAGMENT_KEY = 'natter-continue';
const FRAGMENT = /^#natter-continue=([A-Za-z0-9_-]{22})$/;

// The secret in win's URL ("" when none); the fragment is gone afterwards.
export function takeContinueSecret(win) {
  const match = FRAGMENT.exec(win.location.hash);
  if (!match) return '';
  const href = win.location.href;
  win.history.replaceState(win.history.state, '', href.slice(0, href.indexOf('#')));
  return match[1];
}

// The link the QR code carries: this very page, with the secret as its fragment.
export function continueLink(pageHref, secret) {
  return `${pageHref.split('#')[0]}#${FRAGMENT_KEY}=${secret}`;
}
