// WebKitGTK (Debian's libwebkit2gtk-4.1-0) through WebKitWebDriver
// (webkit2gtk-driver) under xvfb-run: its MiniBrowser in --automation mode,
// driven over classic WebDriver (W3C) with node's fetch. We speak the dozen
// HTTP commands the stories need ourselves rather than pull in a WebDriver
// client library (see CONTRIBUTING.md, "Engine tier").
//
// Classic WebDriver has no console events: a recorder is put into the page
// after each navigation, so what a page logs while it loads is not seen
// (can.consoleFromLoad = false); uncaught errors and rejections after that are.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { consoleRecorder } from './page-common.mjs';

const KEYS = { Enter: '\uE007', Tab: '\uE004', Escape: '\uE00C', Shift: '\uE008' };
const MINIBROWSER_OPTIONS = [
  '--automation',
  // Mock capture devices (a generated tone and test pattern) stand in for a microphone.
  '--enable-media-stream=true', '--enable-mock-capture-devices=true',
  '--enable-webaudio=true', '--enable-media=true', '--media-playback-requires-user-gesture=false',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

async function until(probe, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try { if (await probe()) return; } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`webkit driver: ${what} did not happen in ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Put into the page after each navigation: keeps console output and uncaught errors.
function installRecorder() {
  if (window.__engineConsole) return;
  const seen = (window.__engineConsole = []);
  for (const type of ['log', 'info', 'warn', 'error']) {
    const real = console[type].bind(console);
    console[type] = (...args) => { seen.push({ type, text: args.map(String).join(' ') }); real(...args); };
  }
  window.addEventListener('error', (e) => seen.push({ type: 'error', text: `uncaught: ${e.message}` }));
  window.addEventListener('unhandledrejection', (e) => seen.push({ type: 'error', text: `uncaught: ${e.reason?.message ?? e.reason}` }));
}

// `hosts` (the deployment tier's origins, tests/engines/deploy.mjs): the
// names reach 127.0.0.1 through `hosts.proxyUrl` (test-hosts-proxy.mjs;
// MiniBrowser has no host-resolver switch) and the throwaway CA's
// certificates are accepted (acceptInsecureCerts).
// `noWasmSimd`: JavaScriptCore without WASM SIMD, as in Safari before 16.4
// (its option useWasmSIMD, read from the environment the driver passes on
// to the browser it starts).
export async function launch({ hosts, noWasmSimd = false } = {}) {
  const port = await freePort();
  const driver = spawn('xvfb-run', ['-a', 'WebKitWebDriver', `--port=${port}`, '--host=127.0.0.1'], {
    detached: true, stdio: ['ignore', 'ignore', 'pipe'],
    env: noWasmSimd ? { ...process.env, JSC_useWasmSIMD: '0' } : process.env,
  });
  let driverErr = '';
  driver.stderr.on('data', (d) => { driverErr = (driverErr + d).slice(-2000); });
  const base = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${base}/status`)).ok, 'WebKitWebDriver start');

  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`webkit driver: ${method} ${path}: ${json.value?.error}: ${json.value?.message}\n${driverErr}`);
    return json.value;
  }
  const created = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        'webkitgtk:browserOptions': { args: hosts ? [...MINIBROWSER_OPTIONS, `--proxy=${hosts.proxyUrl}`] : MINIBROWSER_OPTIONS },
        ...(hosts ? { acceptInsecureCerts: true } : {}),
      },
    },
  });
  const s = `/session/${created.sessionId}`;
  await call('POST', `${s}/timeouts`, { script: 30_000, pageLoad: 30_000 });
  const actions = (type, list) => call('POST', `${s}/actions`, { actions: [{ type, id: type === 'key' ? 'kbd' : 'mouse', ...(type === 'pointer' ? { parameters: { pointerType: 'mouse' } } : {}), actions: list }] });
  const keyActions = (key, kinds) => actions('key', kinds.map((type) => ({ type, value: KEYS[key] ?? key })));

  async function evaluate(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => (${fn})(...${JSON.stringify(args)}))
        .then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ err: e && e.stack ? String(e) + ' ' + e.stack : String(e) }));`;
    const out = await call('POST', `${s}/execute/async`, { script, args: [] });
    if (out && 'err' in out) throw new Error(`in the page: ${out.err}`);
    return out?.ok;
  }
  const log = consoleRecorder();
  const pullConsole = async () => {
    const fresh = await evaluate(() => (window.__engineConsole ?? []).splice(0));
    for (const l of fresh ?? []) log.add(l.type, l.text);
  };

  return {
    engine: 'webkit',
    // WebDriver actions carry no repeat flag; console and init scripts start
    // after load. No relayOnly: Debian's WebKitGTK has no RTCPeerConnection
    // (the voice story sees its calls stay on the WebSocket).
    can: { keyRepeat: false, consoleFromLoad: false, initScripts: false, relayOnly: false, noWasmSimd: true },
    async open(url, { init } = {}) {
      log.lines.length = 0;
      // A fresh tab per page, as the other drivers give: session storage
      // (the widget's live session) belongs to a tab and must not leak
      // from one story into the next.
      const { handle } = await call('POST', `${s}/window/new`, { type: 'tab' });
      await call('DELETE', `${s}/window`); // closes the old tab
      await call('POST', `${s}/window`, { handle });
      await call('POST', `${s}/url`, { url });
      await evaluate(installRecorder);
      if (init) await evaluate(init); // after load: classic WebDriver has no preload scripts
      return {
        get console() { return log.lines; },
        async consoleLines() { await pullConsole(); return log.lines; },
        evaluate,
        click: (x, y, times = 1) => actions('pointer', [
          { type: 'pointerMove', x: Math.round(x), y: Math.round(y), origin: 'viewport' },
          ...Array.from({ length: times }, () => [{ type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }]).flat(),
        ]),
        press: (key, times = 1) => keyActions(key, Array.from({ length: times }, () => ['keyDown', 'keyUp']).flat()),
        keyDown: (key) => keyActions(key, ['keyDown']),
        keyUp: (key) => keyActions(key, ['keyUp']),
        type: (text) => actions('key', [...text].flatMap((c) => [{ type: 'keyDown', value: c }, { type: 'keyUp', value: c }])),
        async reload() {
          await pullConsole();
          await call('POST', `${s}/refresh`, {});
          await evaluate(installRecorder);
          if (init) await evaluate(init);
        },
        screenshot: async () => Buffer.from(await call('GET', `${s}/screenshot`), 'base64'),
        close: async () => { await pullConsole().catch(() => {}); await call('POST', `${s}/url`, { url: 'about:blank' }).catch(() => {}); },
      };
    },
    async close() {
      await call('DELETE', s).catch(() => {});
      try { process.kill(-driver.pid, 'SIGTERM'); } catch { /* already gone */ }
    },
  };
}
