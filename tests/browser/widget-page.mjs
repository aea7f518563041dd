// A blank, deterministic test shop for the look-and-language suites: a
// page served by Playwright's router on the reference server's origin
// (so /natter.js and its files come from dist/), under a strict CSP
// (scripts from 'self' plus one nonce'd stub, no inline styles), with
// DejaVu Sans, reduced motion and the given viewport, scheme and <html lang>.
//
//   const w = await openWidgetPage(stack, { init: {...}, data: {...}, lang: 'ar',
//                                           viewport: {width: 360, height: 740}, scheme: 'dark' });
//   await w.ready(); await w.openChat(); await w.settle();

const NONCE = 'natter-test';

function pageHtml({ init, data, lang, body }) {
  const attrs = Object.entries({ endpoint: '', ...data })
    .map(([k, v]) => ` data-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}="${String(v).replace(/"/g, '&quot;')}"`).join('');
  const initCall = init ? `natter('init', ${JSON.stringify(init)});` : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-visual">
<title>Theme test shop</title>
<link rel="stylesheet" href="/__test/shop.css">
<script nonce="${NONCE}">window.natter=window.natter||function(){(natter.q=natter.q||[]).push(arguments)};${initCall}</script>
<script async src="/natter.js"${attrs}></script></head>
<body>${body}</body></html>`;
}

const SHOP_CSS = `html { font: 16px/1.5 "DejaVu Sans", sans-serif; background: #f7f4ee; color: #222; }
body { margin: 0; padding: 24px; } main { max-width: 40rem; } .tall { height: 3000px; }`;

export async function openWidgetPage(stack, {
  init = null, data = {}, lang = 'en', viewport = { width: 1280, height: 800 }, scheme = 'light',
  body = '<main><h1>Test shop</h1><p>Products.</p><div class="tall"></div></main>',
} = {}) {
  const page = await stack.context.newPage();
  const origin = new URL(stack.server.url).origin;
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
  await page.route(`${origin}/__test/shop.html`, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    headers: { 'Content-Security-Policy': `script-src 'self' 'wasm-unsafe-eval' 'nonce-${NONCE}'; style-src 'self'` },
    body: pageHtml({ init, data, lang, body }),
  }));
  await page.route(`${origin}/__test/shop.css`, (route) => route.fulfill({ contentType: 'text/css', body: SHOP_CSS }));
  await page.goto(`${origin}/__test/shop.html`);

  const widget = page.locator('natter-widget');
  const w = {
    page, widget, problems, requests,
    launcher: widget.locator('button.launcher'),
    textarea: widget.locator('textarea'),
    // Starts the core without opening the panel and waits until it built the
    // panel. Intent, not the idle preload: headless Chromium sometimes runs no
    // idle callback at all on a page that draws no frames (seen 1 load in 25).
    ready: async () => {
      await pointOverLauncher(page);
      await widget.locator('section.panel').waitFor({ state: 'attached' });
    },
    async openChat() {
      await w.launcher.click();
      await w.textarea.waitFor({ state: 'visible' });
    },
    async settle() {
      await page.evaluate(() => document.fonts.ready);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    },
  };
  return w;
}

// The shopper's pointer passes over the launcher: the loader's intent signal,
// as a synthetic event, so no :hover style changes what a screenshot sees.
export function pointOverLauncher(page) {
  return page.evaluate(() => document.querySelector('natter-widget')?.shadowRoot
    ?.querySelector('button.launcher')?.dispatchEvent(new PointerEvent('pointerover', { bubbles: true })));
}

// Pseudo-localisation of a catalogue: accented letters, about 40% longer,
// bracketed, placeholders kept, so clipped or overflowing text shows up.
const ACCENTS = { a: 'á', e: 'ë', i: 'ï', o: 'ö', u: 'ü', c: 'ç', n: 'ñ', s: 'š', y: 'ÿ', A: 'Å', E: 'É', O: 'Ø', S: 'Š' };
export function pseudoLocalise(table) {
  const out = {};
  for (const [key, text] of Object.entries(table)) {
    const parts = text.split(/(\{\w+\})/);
    const body = parts.map((p) => (/^\{\w+\}$/.test(p) ? p : [...p].map((c) => ACCENTS[c] ?? c).join(''))).join('');
    const pad = ' ·ẍ'.repeat(Math.ceil(text.length * 0.4 / 3));
    out[key] = `[${body}${pad}]`;
  }
  return out;
}
