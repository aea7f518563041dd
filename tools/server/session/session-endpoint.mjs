// GET /api/session upgraded to a WebSocket: the live session of
// docs/protocol.md ("The live session"). Takes the upgrade (applying an
// injected session fault, if queued), routes each client frame, and owns the
// set of open connections (for kill, and for close on shutdown).
//
// Per connection: frames before `hello` other than `ping` are refused with
// `error` bad_frame; a second `hello` on the same connection likewise. A
// connection replaced by a newer hello that proves its session (the resume
// token) is closed with 4000 and every frame it still sends is ignored.
// Voice control frames (after the welcome, like `msg`) and binary voice
// packets go to the voice gateway (voice/voice-gateway.mjs), which hears
// when a connection is gone.
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { PROTOCOL_VERSION, errorFrame, parseClientFrame, pongFrame } from './frames.mjs';
import { createFrameSender } from './frame-sender.mjs';
import { upgradeFaultResponse, writeRawResponse } from './session-faults.mjs';

export const HEARTBEAT_MS = 15_000;
const MAX_PAYLOAD_BYTES = 1024 * 1024; // beyond MAX_FRAME_BYTES: bad_frame; beyond this: ws closes 1009
const STALL_MS = 60_000;
const CLOSE_GRACE_MS = 200;

const short = (id) => id.slice(0, 8);

// `deps`: { sessions: SessionStore, receiveMsg (turns.mjs), voice (the voice
// gateway), visitors: VisitorBook, stats, faults: FaultQueue|null, log, heartbeatMs }. Returns
// { handleUpgrade(req, socket, head), kill() -> number dropped, close() -> Promise }.
// `currentBuild()`: the build id of the release now served ("" when
// unknown); a client whose hello named another one reloads when it is safe.
export function createSessionEndpoint({
  sessions, receiveMsg, voice, visitors, stats, faults, tokens = null, log, heartbeatMs = HEARTBEAT_MS,
  currentBuild = () => '',
}) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const conns = new Set();
  const stalled = new Set(); // raw sockets of stall_upgrade

  function handleUpgrade(req, socket, head) {
    socket.on('error', () => {});
    const fault = faults?.takeSession() ?? null;
    const answer = upgradeFaultResponse(fault);
    if (answer) {
      faults.rememberProbe(answer);
      log(`[server] GET /api/session ${answer.status} (injected ${fault.action})`);
      writeRawResponse(socket, answer.status, answer.headers, answer.body);
      return;
    }
    if (fault?.action === 'stall_upgrade') {
      stalled.add(socket);
      const timer = setTimeout(() => socket.destroy(), STALL_MS);
      socket.once('close', () => { clearTimeout(timer); stalled.delete(socket); });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, fault));
  }

  function open(ws, fault) {
    const sender = createFrameSender(ws, fault);
    const conn = {
      ws, send: sender.send, sendBinary: sender.sendBinary, close: sender.close, session: null, tabId: '', replaced: false,
    };
    conns.add(conn);
    ws.on('error', () => {}); // protocol errors: ws closes the socket itself (1002/1009)
    ws.on('close', (code) => {
      conns.delete(conn);
      voice.connectionGone(conn);
      if (conn.session) sessions.detach(conn.session, conn);
      log(`[server] WS /api/session closed ${code}${conn.session ? ` session=${short(conn.session.id)}` : ''}`);
    });
    ws.on('message', (data, isBinary) => {
      try {
        onFrame(conn, data, isBinary);
      } catch (error) {
        log(`[server] WS frame handling failed: ${error?.stack ?? error}`);
        conn.close(1011, 'internal error');
      }
    });
    log('[server] GET /api/session 101');
    sender.opened();
  }

  function onFrame(conn, data, isBinary) {
    if (conn.replaced) return;
    const parsed = parseClientFrame(data, isBinary);
    switch (parsed.kind) {
      case 'hello': return hello(conn, parsed.hello);
      case 'unsupported_version':
        conn.send(errorFrame('unsupported_version', `This server speaks protocol version ${PROTOCOL_VERSION}.`));
        return conn.close(4001, 'unsupported version');
      case 'msg':
        if (!conn.session) {
          return conn.send(errorFrame('bad_frame', 'Send hello (and wait for welcome) first.',
            { message_id: parsed.msg.message_id }));
        }
        return receiveMsg(conn.session, conn, parsed.msg);
      case 'identify':
        if (!conn.session) return conn.send(errorFrame('bad_frame', 'Send hello (and wait for welcome) first.'));
        return identify(conn.session, parsed.visitor);
      case 'voice':
        if (!conn.session) return conn.send(errorFrame('bad_frame', 'Send hello (and wait for welcome) first.'));
        return voice.control(conn.session, conn, parsed.voice);
      case 'voice_packet': return voice.receivePacket(conn, parsed.data);
      case 'ping': return conn.send(pongFrame(parsed.ping));
      case 'bad': {
        const { kind, message, ...extra } = parsed;
        return conn.send(errorFrame('bad_frame', message, extra));
      }
      default: return undefined; // unknown type: ignored
    }
  }

  function hello(conn, h) {
    if (conn.session) return conn.send(errorFrame('bad_frame', 'This connection already said hello.'));
    if (tokens) {
      const checked = tokens.verify(h.auth);
      if (!checked.ok) {
        // Before anything of the session is touched: a refused hello changes nothing.
        log(`[server] WS /api/session hello refused: token ${checked.reason}`);
        return conn.close(4003, `unauthorized: token ${checked.reason}`);
      }
    }
    const { session, resumed, old } = claim(h);
    session.current = conn;
    conn.session = session;
    conn.tabId = h.tab_id;
    identify(session, h.visitor);
    log(`[server] WS /api/session hello session=${short(session.id)} resumed=${resumed} replaced=${old !== null}`);
    conn.send({
      type: 'welcome', session_id: session.id, resume_token: session.resumeToken, resumed,
      replaced: old !== null, acked: [...session.acked.keys()], event_seq: session.seq, heartbeat_ms: heartbeatMs,
      build: currentBuild(),
    });
    for (const frame of session.eventsAfter(resumed ? h.last_event_seq : 0)) conn.send(frame);
    return undefined;
  }

  // Which session a hello gets. Its owner (the hello proves the held
  // session with its resume token: a reconnect, a reload, another tab of the
  // same token line) resumes it, replacing any current connection (4000),
  // with a rotated token. A hello that names a held session without proving
  // it leaves that session and its connection alone and gets a fresh
  // session of its own, under a new id the welcome names. A session id the
  // server does not hold starts fresh under that id.
  function claim(h) {
    const held = sessions.get(h.session_id);
    if (held === null) return { session: sessions.create(h.session_id), resumed: false, old: null };
    if (!held.proves(h.resume_token)) {
      const session = sessions.create(randomUUID());
      log(`[server] WS /api/session hello for session ${short(h.session_id)} without its resume token: fresh session ${short(session.id)}`);
      return { session, resumed: false, old: null };
    }
    const old = held.current;
    if (old) replace(held, old, old.tabId === h.tab_id ? 'replaced' : 'replaced:tab');
    held.rotateToken();
    return { session: held, resumed: true, old };
  }

  function replace(session, old, reason) {
    session.current = null;
    old.session = null;
    old.replaced = true;
    voice.connectionGone(old); // its audio stops now, not when the close handshake ends
    old.close(4000, reason);
    stats.countReplacement();
    log(`[server] WS /api/session replacing existing session ${short(session.id)} (${reason})`);
  }

  // The widget's latest word on who the shopper is (the hello's, or an
  // identify frame's); turns accepted from now on use it.
  function identify(session, visitor) {
    const before = visitors.get(session.id);
    visitors.set(session.id, visitor);
    if (JSON.stringify(before) !== JSON.stringify(visitor)) {
      log(`[server] WS /api/session session=${short(session.id)} ${visitor ? 'identified' : 'anonymous'}`);
    }
  }

  function kill() {
    const count = conns.size + stalled.size;
    for (const conn of conns) conn.ws.terminate();
    for (const socket of stalled) socket.destroy();
    return count;
  }

  // Server shutdown: close frames with 1001 "going away", then drop whoever
  // has not finished the close handshake within CLOSE_GRACE_MS.
  function close() {
    for (const socket of stalled) socket.destroy();
    for (const conn of conns) conn.ws.close(1001, 'going away');
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); resolve(); };
      const timer = setTimeout(() => { kill(); setImmediate(done); }, CLOSE_GRACE_MS);
      if (conns.size === 0) done();
      else for (const conn of conns) conn.ws.once('close', () => { if (conns.size === 0) done(); });
    });
  }

  return { handleUpgrade, kill, close };
}
