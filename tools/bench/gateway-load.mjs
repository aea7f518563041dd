// The Gateway bench's load generator (gateway.mjs), in its own process:
// live sessions that speak the real protocol (hello, welcome, ping every
// heartbeat, msg, ack, numbered events) over ws, spread round robin over the
// gateway URLs it is given. Commands arrive by IPC; each is answered with
// {done: cmd, ...result}:
//   {cmd: 'open', urls, n, prefix}     open n sessions, resolve when all are live
//   {cmd: 'messages', rate, seconds, pingEveryMs?, pingers?}
//                                      send `rate` msgs/s to idle sessions; ack and
//                                      first-token latencies (ms); with pingEveryMs,
//                                      `pingers` sessions (10) also ping that often
//                                      meanwhile: ping round trips (ms)
//   {cmd: 'reconnect', urls}           from now on a closed session reconnects to
//                                      these URLs (after a random 0..1.2 s, as the
//                                      widget's first attempt) and resumes
//   {cmd: 'live', ofUrl}               how many sessions first opened on `ofUrl` are
//                                      live now, and how many there are
//   {cmd: 'close'}                     close every session
//   {cmd: 'staff', url, token, n}      handoff bench (handoff.mjs): on n sessions a
//                                      person takes over and replies; ms from the reply
//                                      POST to the shopper's socket receiving its text
//   {cmd: 'takeover', url, token, n}   on n sessions, a takeover while the AI's reply
//                                      streams; ms from the take POST to the last AI
//                                      event the shopper received, and how many AI
//                                      events came after the control event (must be 0);
//                                      and ms from the take POST to the control event
import WebSocket from 'ws';

const HEARTBEAT_MS = 15_000;
const clients = [];
let reconnectUrls = null;
let pingRtts = null; // while a 'messages' command pings: the round trips (ms)
let pingSeq = 0;
let messageSeq = 0;

class Client {
  constructor(id, url) {
    this.id = id;
    this.home = url;
    this.token = '';
    this.lastSeq = 0;
    this.live = false;
    this.pending = null; // {id, sent, ack, first}
    this.closedOnPurpose = false;
    this.watchers = new Set(); // fn(frame, now): the handoff bench's observers
    this.pingsSent = new Map(); // ping t -> when sent (the attack bench's probes)
    this.connect(url);
  }

  connect(url) {
    this.url = url;
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}api/session`, { perMessageDeflate: false });
    this.ws = ws;
    this.opened = new Promise((resolve) => { this.onLive = resolve; });
    ws.on('open', () => ws.send(JSON.stringify({
      type: 'hello', v: 1, session_id: this.id, resume_token: this.token, last_event_seq: this.lastSeq, tab_id: 'bench',
      features: ['handoff'], // as today's widget: control events arrive as themselves
    })));
    ws.on('message', (data) => this.frame(JSON.parse(data.toString())));
    ws.on('error', () => {});
    ws.on('close', () => {
      this.live = false;
      clearInterval(this.pinger);
      if (this.closedOnPurpose || !reconnectUrls) return;
      const next = reconnectUrls[Math.floor(Math.random() * reconnectUrls.length)];
      setTimeout(() => this.connect(next), Math.random() * 1200);
    });
  }

  frame(f) {
    const now = performance.now();
    for (const watch of this.watchers) watch(f, now);
    if (f.type === 'welcome') {
      this.token = f.resume_token;
      if (!f.resumed) this.lastSeq = 0;
      this.live = true;
      this.pinger = setInterval(() => this.ws.send(JSON.stringify({ type: 'ping', t: 0 })), HEARTBEAT_MS);
      this.onLive();
    } else if (f.type === 'event') {
      this.lastSeq = Math.max(this.lastSeq, f.seq);
      const p = this.pending;
      if (p && f.reply_to === p.id) {
        if (f.event === 'delta' && p.first === undefined) p.first = now - p.sent;
        if (f.event === 'done' || f.event === 'error') { this.pending = null; p.resolve(); }
      }
    } else if (f.type === 'pong' && this.pingsSent.has(f.t)) {
      pingRtts?.push(now - this.pingsSent.get(f.t));
      this.pingsSent.delete(f.t);
    } else if (f.type === 'ack' && this.pending?.id === f.message_id && this.pending.ack === undefined) {
      this.pending.ack = now - this.pending.sent;
    }
  }

  send(messageId) {
    const p = { id: messageId, sent: performance.now() };
    p.done = new Promise((resolve) => { p.resolve = resolve; });
    this.pending = p;
    this.ws.send(JSON.stringify({ type: 'msg', message_id: messageId, text: 'hi' }));
    return p;
  }

  close() {
    this.closedOnPurpose = true;
    clearInterval(this.pinger);
    this.ws.terminate();
  }
}

async function open({ urls, n, prefix }) {
  const started = performance.now();
  for (let i = 0; i < n; i += 200) { // in batches: a burst of 10,000 handshakes is a different bench
    const batch = [];
    for (let j = i; j < Math.min(n, i + 200); j += 1) {
      const client = new Client(`${prefix}-${j}`, urls[j % urls.length]);
      clients.push(client);
      batch.push(client.opened);
    }
    await Promise.all(batch);
  }
  return { live: clients.filter((c) => c.live).length, ms: performance.now() - started };
}

function probePings(everyMs, count) {
  pingRtts = [];
  const timer = setInterval(() => {
    for (const client of clients.slice(0, count)) {
      if (!client.live) continue;
      pingSeq += 1;
      client.pingsSent.set(pingSeq, performance.now());
      client.ws.send(JSON.stringify({ type: 'ping', t: pingSeq }));
    }
  }, everyMs);
  return () => { clearInterval(timer); const out = pingRtts; pingRtts = null; return out; };
}

async function messages({ rate, seconds, pingEveryMs = 0, pingers = 10 }) {
  const stopPings = pingEveryMs > 0 ? probePings(pingEveryMs, pingers) : () => [];
  const sent = [];
  const tickMs = 50;
  const perTick = (rate * tickMs) / 1000;
  let owed = 0;
  let next = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    owed += perTick;
    while (owed >= 1) {
      owed -= 1;
      for (let tries = 0; tries < clients.length; tries += 1) {
        const client = clients[next++ % clients.length];
        if (client.live && !client.pending) {
          messageSeq += 1; // across commands: a second 'messages' must not repeat an id (the gateway dedupes)
          sent.push(client.send(`${client.id}-m${messageSeq}`));
          break;
        }
      }
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const pings = stopPings(); // the window the messages were sent in, not the tail
  await Promise.race([Promise.all(sent.map((p) => p.done)), new Promise((r) => setTimeout(r, 30_000))]);
  for (const client of clients) client.pingsSent.clear(); // pongs still owed count as lost
  return {
    pings,
    sent: sent.length,
    acks: sent.filter((p) => p.ack !== undefined).map((p) => p.ack),
    firsts: sent.filter((p) => p.first !== undefined).map((p) => p.first),
  };
}

// The staff API, as the operator console calls it.
async function staffCall(url, token, id, action, body) {
  const res = await fetch(`${url}staff/conversations/${encodeURIComponent(id)}/${action}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`staff ${action} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

// Resolves with the time of the first frame `match` accepts (or null after ms).
function firstFrame(client, match, ms = 10_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { client.watchers.delete(watch); resolve(null); }, ms);
    const watch = (f, now) => {
      if (!match(f)) return;
      clearTimeout(timer);
      client.watchers.delete(watch);
      resolve(now);
    };
    client.watchers.add(watch);
  });
}

const sample = (n) => clients.filter((c) => c.live && !c.pending).slice(0, n);

async function staffReplies({ url, token, n }) {
  const ms = [];
  for (const [i, client] of sample(n).entries()) {
    await staffCall(url, token, client.id, 'take', { name: 'Ana' });
    const messageId = `bench-staff-${i}`;
    const seen = firstFrame(client, (f) => f.type === 'event' && f.reply_to === `staff-${messageId}` && f.event === 'delta');
    const sent = performance.now();
    await staffCall(url, token, client.id, 'reply', { name: 'Ana', message_id: messageId, text: 'Yes, 3 left.' });
    const at = await seen;
    if (at !== null) ms.push(at - sent);
    await staffCall(url, token, client.id, 'hand-back', { name: 'Ana' });
  }
  return { ms };
}

async function takeovers({ url, token, n }) {
  const ms = [];
  const controlMs = [];
  let after = 0;
  let cut = 0;
  for (const [i, client] of sample(n).entries()) {
    const messageId = `bench-cut-${i}`;
    let lastAi = null;
    let controlSeq = null;
    let controlAt = null;
    const watch = (f, now) => {
      if (f.type !== 'event') return;
      if (f.reply_to === 'control' && f.data?.state === 'person') { controlSeq = f.seq; controlAt = now; }
      else if (f.reply_to === messageId && f.event !== 'held') { // held: the server settling the cut message, not the AI
        lastAi = now;
        if (controlSeq !== null && f.seq > controlSeq) after += 1;
      }
    };
    client.watchers.add(watch);
    const firstDelta = firstFrame(client, (f) => f.type === 'event' && f.reply_to === messageId && f.event === 'delta');
    client.ws.send(JSON.stringify({ type: 'msg', message_id: messageId, text: 'tell me about the Switch' }));
    await firstDelta;
    const took = performance.now();
    await staffCall(url, token, client.id, 'take', { name: 'Ana' });
    await new Promise((r) => setTimeout(r, 500)); // any AI event still on its way arrives in this window
    client.watchers.delete(watch);
    if (lastAi !== null) ms.push(Math.max(0, lastAi - took));
    if (controlSeq !== null) { cut += 1; controlMs.push(controlAt - took); }
    await staffCall(url, token, client.id, 'hand-back', { name: 'Ana' });
  }
  return { ms, controlMs, after, cut };
}

process.on('message', async (message) => {
  let result = {};
  if (message.cmd === 'open') result = await open(message);
  else if (message.cmd === 'messages') result = await messages(message);
  else if (message.cmd === 'reconnect') reconnectUrls = message.urls;
  else if (message.cmd === 'live') {
    const mine = clients.filter((c) => c.home === message.ofUrl);
    result = { total: mine.length, live: mine.filter((c) => c.live).length };
  } else if (message.cmd === 'staff') result = await staffReplies(message);
  else if (message.cmd === 'takeover') result = await takeovers(message);
  else if (message.cmd === 'close') {
    for (const c of clients.splice(0)) c.close();
  }
  process.send({ done: message.cmd, ...result });
});
process.send({ ready: true });
