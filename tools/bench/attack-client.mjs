// The attack bench's hostile client (attack.mjs), in its own process: one
// client at full speed on one vector until killed. argv[2]: JSON
// {url, vector}, vector one of:
//   voice    a voice call whose uplink packets jump 25 frames each, as fast as
//            the socket takes them; a new call when the gateway ends one
//   offer    continue.offer frames as fast as the socket takes them
//   post     POST /api/chat, 16 at a time, each a new message in a new
//            conversation (keep-alive)
//   nohello  WebSockets that never say hello, as fast as they open
// Every socket it loses is opened again at once. Sends {ready: true} once
// its first socket (or request) is under way.
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { encodeVoicePacket } from '../gateway/voice/voice-packet.mjs';

const { url, vector } = JSON.parse(process.argv[2]);
const wsUrl = `${url.replace(/^http/, 'ws')}api/session`;
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]); // one 20 ms CELT frame
const HIGH_WATER = 1 << 20; // bytes queued on a socket before the flood waits for it
const turn = () => new Promise((r) => setImmediate(r));

function session(onWelcome) {
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
  ws.on('open', () => ws.send(JSON.stringify({
    type: 'hello', v: 1, session_id: randomUUID(), resume_token: '', last_event_seq: 0, tab_id: 'attacker',
  })));
  ws.on('message', (data, binary) => { if (!binary) onWelcome(ws, JSON.parse(data.toString())); });
  ws.on('error', () => {});
  ws.on('close', () => setImmediate(() => session(onWelcome)));
}

async function pump(ws, next, alive = () => true) {
  while (ws.readyState === WebSocket.OPEN && alive()) {
    if (ws.bufferedAmount > HIGH_WATER) { await new Promise((r) => setTimeout(r, 1)); continue; }
    for (let i = 0; i < 64; i += 1) ws.send(next());
    await turn();
  }
}

function voice() {
  session((ws, f) => {
    if (f.type === 'welcome' || (f.type === 'voice.closed') || (f.type === 'error' && f.call_id)) {
      ws.callId = randomUUID();
      ws.send(JSON.stringify({ type: 'voice.start', call_id: ws.callId, greeting: false }));
    } else if (f.type === 'voice.started' && f.call_id === ws.callId) {
      let k = 0;
      const callId = ws.callId;
      pump(ws, () => {
        k += 1;
        return encodeVoicePacket({ seq: k * 25, timestamp: k * 25 * 960, payload: OPUS_SILENCE });
      }, () => ws.callId === callId); // a new call, a new pump
    }
  });
}

function offers() {
  session((ws, f) => {
    if (f.type === 'welcome') pump(ws, () => '{"type":"continue.offer"}');
  });
}

function posts() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const one = () => {
    const id = randomUUID();
    const body = JSON.stringify({ message_id: id, conversation_id: randomUUID(), conversation_key: randomBytes(24).toString('hex'), text: 'hi' });
    const req = http.request(`${url}api/chat`, {
      method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': id },
    }, (res) => { res.resume(); res.on('end', one); res.on('error', one); });
    req.on('error', () => setTimeout(one, 1));
    req.end(body);
  };
  for (let i = 0; i < 16; i += 1) one();
}

function noHello() {
  let open = 0;
  const one = () => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    open += 1;
    ws.on('error', () => {});
    ws.on('close', () => { open -= 1; setImmediate(one); });
    if (open < 4096) ws.on('open', one); // the next as soon as this one is up
  };
  for (let i = 0; i < 8; i += 1) one();
}

({ voice, offer: offers, post: posts, nohello: noHello })[vector]();
process.send({ ready: true });
