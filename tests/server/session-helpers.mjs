// Helpers for the live-session tests: a WebSocket client (the `ws` package)
// that records every frame and its close, and shorthands for the handshake.
// Every socket made here is remembered; closeAllSockets() ends them (after()).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { conversationKeyFor, request } from './helpers.mjs';

const open = new Set();

export const sessionUrl = (baseUrl) => new URL('api/session', baseUrl).href.replace(/^http/, 'ws');

// A connected test socket. `frames` holds every parsed frame in arrival order,
// `binary` every binary message (a Buffer), and `timeline` both kinds in one
// order ({ text: frame } or { binary: Buffer }, each with `at`, ms);
// waitClosed() resolves { code, reason } once the socket closes.
export class TestSocket {
  frames = [];
  binary = [];
  timeline = [];
  #waiters = new Set();
  #closed;

  constructor(ws) {
    this.ws = ws;
    open.add(ws);
    this.#closed = new Promise((resolve) => ws.once('close', (code, reason) => {
      open.delete(ws);
      resolve({ code, reason: reason.toString() });
      this.#check();
    }));
    ws.on('message', (data, isBinary) => {
      const at = performance.now();
      if (isBinary) {
        this.binary.push(data);
        this.timeline.push({ binary: data, at });
        return;
      }
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      this.timeline.push({ text: frame, at });
      this.#check();
    });
    ws.on('error', () => {});
  }

  send(frame) { this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)); }

  // Resolves the first frame so far (or to come) matching `pred`; rejects after `ms`.
  waitFor(pred, ms = 3000) {
    const found = this.frames.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = { pred, resolve, reject };
      waiter.timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no matching frame within ${ms}ms; got ${JSON.stringify(this.frames).slice(0, 600)}`));
      }, ms);
      this.#waiters.add(waiter);
    });
  }

  // Resolves the `done` (or `error`) event of the reply to `messageId`.
  replyEnd(messageId, ms = 5000) {
    return this.waitFor((f) => f.type === 'event' && f.reply_to === messageId
      && (f.event === 'done' || f.event === 'error'), ms);
  }

  events(messageId) {
    return this.frames.filter((f) => f.type === 'event' && (messageId === undefined || f.reply_to === messageId));
  }

  get lastSeq() { return Math.max(0, ...this.events().map((f) => f.seq)); }

  #check() {
    for (const waiter of this.#waiters) {
      const found = this.frames.find(waiter.pred);
      if (found) {
        clearTimeout(waiter.timer);
        this.#waiters.delete(waiter);
        waiter.resolve(found);
      }
    }
  }

  // Resolves { code, reason } once closed; rejects if still open after `ms`.
  waitClosed(ms = 5000) {
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${ms}ms`)), ms);
    });
    return Promise.race([this.#closed, late]).finally(() => clearTimeout(timer));
  }

  close(code = 1000) { this.ws.close(code); return this.waitClosed(); }

  terminate() { this.ws.terminate(); return this.waitClosed(); }
}

// Tries the upgrade. Resolves { socket } once open, or { status, headers, body }
// when the server answered without upgrading, or { error } (reset, timeout).
export function attempt(url, options = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: 3000, ...options });
    open.add(ws);
    ws.once('open', () => resolve({ socket: new TestSocket(ws) }));
    ws.once('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
        open.delete(ws);
      });
    });
    ws.once('error', (error) => { open.delete(ws); resolve({ error }); });
  });
}

export async function connect(baseUrl, options) {
  const result = await attempt(sessionUrl(baseUrl), options);
  if (!result.socket) throw new Error(`upgrade failed: ${result.status ?? result.error}`);
  return result.socket;
}

// `features`: what the widget says it understands (absent: an older widget's hello).
// `conversationKey`: as the widget sends it, by default the one helpers.mjs's
// POSTs carry for the same conversation; null: a hello without one.
export function helloFrame({
  session = randomUUID(), token = '', last = 0, tab = 'tab-1', v = 1, features, conversationKey = conversationKeyFor(session),
} = {}) {
  return { type: 'hello', v, session_id: session, resume_token: token, last_event_seq: last, tab_id: tab,
    build: 'test', ...(features ? { features } : {}), ...(conversationKey ? { conversation_key: conversationKey } : {}) };
}

// Connects and says hello; resolves { socket, welcome }.
export async function joinSession(baseUrl, hello = {}) {
  const socket = await connect(baseUrl);
  socket.send(helloFrame(hello));
  const welcome = await socket.waitFor((f) => f.type === 'welcome');
  return { socket, welcome };
}

// joinSession right after the store came back (Redis restarted): as the
// widget does, a hello the gateway closed 1013 "try again later" (its Redis
// client still reconnecting) is sent again after a pause, and the welcome
// may take as long as that reconnect (seconds on a loaded machine), until `ms`.
export async function joinSessionAfterOutage(baseUrl, hello = {}, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const socket = await connect(baseUrl);
    socket.send(helloFrame(hello));
    const left = Math.max(deadline - Date.now(), 1);
    const outcome = await Promise.race([
      socket.waitFor((f) => f.type === 'welcome', left).then((welcome) => ({ welcome }), (error) => ({ error })),
      socket.waitClosed(left).then((closed) => ({ closed }), (error) => ({ error })),
    ]);
    if (outcome.welcome) return { socket, welcome: outcome.welcome };
    if (outcome.error) throw outcome.error;
    if (outcome.closed.code !== 1013 || Date.now() > deadline) {
      throw new Error(`the hello was closed ${outcome.closed.code} (${outcome.closed.reason})`);
    }
    await sleep(100);
  }
}

export function msg(messageId, text) { return { type: 'msg', message_id: messageId, text }; }

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function closeAllSockets() {
  for (const ws of open) ws.terminate();
  open.clear();
}

// Resolves once the server no longer counts a current connection for `sessionId`.
export async function detached(baseUrl, sessionId, statsOf) {
  const deadline = Date.now() + 2000;
  while ((await statsOf(baseUrl)).ws_connections_open[sessionId]) {
    if (Date.now() > deadline) throw new Error(`session ${sessionId} still attached`);
    await sleep(5);
  }
}

// The transcript (its entries) that a continue link offered on this
// connection hands out: what the session's conversation holds, as a second
// device would see it.
export async function transcriptViaContinue(baseUrl, socket) {
  socket.send({ type: 'continue.offer' });
  const offer = await socket.waitFor((f) => f.type === 'continue.offered');
  const res = await request(baseUrl, {
    method: 'POST', path: '/api/continue', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ secret: offer.secret }),
  });
  if (res.status !== 200) throw new Error(`POST /api/continue: ${res.status} ${res.body}`);
  return JSON.parse(res.body).transcript;
}
