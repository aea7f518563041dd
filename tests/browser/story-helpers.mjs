// Shared by the screenshot-stories*.test.mjs suites: the test shop
// (widget-page.mjs) with the panel open, and a still frame to shoot.
import { openWidgetPage } from './widget-page.mjs';

export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } };
export const LANGS = ['en', 'ar'];

// The test shop is a page Playwright serves (widget-page.mjs), which Chromium
// treats as public: without this flag its local-network checks block the live
// session's WebSocket to the loopback server.
export const LOCAL_NETWORK = ['--disable-features=LocalNetworkAccessChecks'];

// The stack's options: NATTER_DIST_DIR runs the stories against another build
// of the widget than dist/ (e.g. one built before a fix, to see a story fail).
export const storyStack = (server = {}) => ({
  extraArgs: LOCAL_NETWORK, server: { distDir: process.env.NATTER_DIST_DIR || undefined, ...server },
});

// The panel open in DejaVu Sans; `init` adds natter('init') options.
export async function openPanel(stack, lang, viewport, { data = {}, init = {} } = {}) {
  const w = await openWidgetPage(stack, { lang, viewport, data, init: { fontFamily: '"DejaVu Sans"', ...init } });
  await w.ready();
  await w.openChat();
  return w;
}

// Blurs whatever the widget focused (no focus ring in the shot), waits for
// fonts and two frames.
export async function still(w) {
  await w.page.evaluate(() => document.querySelector('natter-widget').shadowRoot.activeElement?.blur());
  await w.settle();
}

// Waits until the page has downloaded the parts of the widget a panel's
// opening fetches once the page is idle (boot.js fetchRest): the core's rest,
// and in session mode the session UI chunk. A story that cuts the network
// must wait for them: until the rest is in, an event that needs it (the
// socket's close) waits for its download, which an offline page retries
// without end, so the status line would never change.
export async function partsLoaded(w, { session = false } = {}) {
  const stems = session ? ['natter.coresessionrest.', 'natter.sessionui.'] : ['natter.corerest.'];
  await w.page.waitForFunction((wanted) => {
    const names = performance.getEntriesByType('resource').map((e) => e.name);
    return wanted.every((stem) => names.some((n) => n.includes(stem)));
  }, stems, { timeout: 30_000 });
}

export async function send(w, text) {
  await w.textarea.fill(text);
  await w.textarea.press('Enter');
}

// Makes what differs on every run (a QR code, a one-time code, a date)
// invisible without moving anything: `selectors` inside the widget keep their
// box, drawn blank. (Playwright's screenshot mask did not cover elements in
// the widget's shadow root.)
export function blank(w, selectors) {
  return w.page.evaluate((css) => {
    const root = document.querySelector('natter-widget').shadowRoot;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }, `${selectors.join(', ')} { visibility: hidden !important; }`);
}

// The operator console's stories: opens /staff/console?lang= and signs in
// with the keyboard (the token field has the focus when the page opens).
export async function signInToConsole(stack, page, lang, token, name = 'Ana') {
  await page.goto(new URL(`/staff/console?lang=${lang}`, stack.server.url).href);
  await page.locator('#token:focus').waitFor();
  await page.keyboard.type(token);
  await page.keyboard.press('Tab');
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
}
