// GET /api/session upgraded to a WebSocket: the live session of
// docs/protocol.md ("The live session"). Takes the upgrade (applying an
// injected session fault, if queued), routes each client frame, and owns this
// instance's open connections (for kick, and for close on shutdown). The
// session itself (token, generation, log, acks, turns) is in the store, so a
// hello may land on any instance.
//
// Who owns a session: the hello that proves it with its resume token (the
// last welcome's, or for one more hello the one before; every resuming
// welcome rotates it). Such a hello resumes it and replaces any connection
// of it, wherever it is. A hello naming a held session without proving it
// leaves that session and its connection alone and gets a fresh session of
// its own under a new id (a UUID), named in its welcome. A session id the
// store does not hold starts fresh under that id, unless the conversation
// still has a transcript and the hello does not carry one of its last
// resume tokens (conversation-owner.mjs): then under a new id too.
//
// Per connection: frames are handled one at a time in arrival order (the
// store is asynchronous); frames before `hello` other than `ping` are
// refused with `error` bad_frame; a second `hello` likewise. Every proving
// hello bumps the session's generation in the store and publishes a kick:
// the instance holding an older connection closes it with 4000, and every
// frame that connection still sends is ignored. Voice control frames (after the
// welcome, like `msg`) and binary voice packets go to the voice gateway.
//
// Bounds (docs/protocol.md, "Limits"): `maxConnections` open sockets on this
// instance (one more is closed 1013 "try again later"); a socket whose
// unsent output passes `maxBufferedBytes` is a slow reader, closed 1013 (it
// resumes from the log); a connection whose frames wait unhandled stops
// being read until they are; `msg` frames over the send rate get `error`
// rate_limited, not acked. Against a client that opens sockets and never
// uses them (session/client-bounds.mjs, docs/security.md): a socket that has
// not said hello within `helloTimeoutMs` is closed 4008 `hello timeout`, and
// past `maxSocketsPerAddress` open sockets from one client address the next
// is closed 1013 `try again later: address`.
import { errorLine } from '../http/http-util.mjs';
import { WebSocketServer } from 'ws';
import { PROTOCOL_VERSION, errorFrame, parseClientFrame, pongFrame } from './frames.mjs';
import { DEFAULT_LIMITS } from '../store/limits.mjs';
import { createFrameSender } from './frame-sender.mjs';
import { writeRawResponse } from '../http/raw-response.mjs';
import { createTurns } from './turns.mjs';
import { createEventFeed } from './event-feed.mjs';
import { forClient } from './legacy-events.mjs';
import { attachTyping } from './presence-frames.mjs';
import { LocalSessions } from './local-sessions.mjs';
import { SendRate } from './send-rate.mjs';
import { storeUnavailable } from '../store/store-errors.mjs';
import { clientBoundsWith } from './client-bounds.mjs';
import { addressKey } from '../http/chat-budget.mjs';
import { rememberOwner } from './conversation-owner.mjs';
import { sessionForHello } from './hello-session.mjs';
import { bindFromHello } from './conversation-key.mjs';
import * as wire from './wire-codes.mjs';
import { checkServes, kickReason, welcomeControl } from './hello-answer.mjs';

export const HEARTBEAT_MS = 15_000;
export const MAX_CONNECTIONS = 20_000;
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const MAX_PAYLOAD_BYTES = 1024 * 1024; // beyond MAX_FRAME_BYTES: bad_frame; beyond this: ws closes 1009
const MAX_PENDING_FRAMES = 64; // unhandled frames per connection before its socket stops being read
const STALL_MS = 60_000;
const CLOSE_GRACE_MS = 200;

const short = (id) => id.slice(0, 8);

// Every `event` frame goes through the connection's feed (event-feed.mjs):
// in seq order, each once, whoever wrote it (a staff takeover on another
// instance included), and shaped for what the widget said it understands
// (legacy-events.mjs).
//
// `deps`: { store, agentRuns, voice (the voice gateway), stats, faults:
// FaultQueue|null, tokens, log, heartbeatMs, resumeWindowMs, instance,
// signal (server closing), bounds: {maxConnections, maxBufferedBytes,
// sendBurst, sendPerSecond} }. `currentBuild()`: the build id of the
// release now served ("" when unknown): named in the welcome for diagnosis;
// clients do not reload on it.
// `serves`: which clients this server still serves (docs/protocol.md,
// "Releases and reloads"): { minProtocol, minClient } — the oldest hello
// `v` (older: error unsupported_version, close 4001) and the oldest widget
// release version ("" any), both named in every welcome so that an older
// client reloads once; `setServes()` changes them on a running server.
// Returns { handleUpgrade(req, socket, head), kill() -> number dropped,
// close() -> Promise, openCounts(), setServes(), drain(), openSockets() }.
export function createSessionEndpoint({
  store, agentRuns, voice, stats, faults, tokens = null, log, heartbeatMs = HEARTBEAT_MS, resumeWindowMs,
  instance = '', signal, bounds = {}, currentBuild = () => '', serves = {}, handoff, continueLinks,
  maxAttachments = DEFAULT_LIMITS.attachmentsPerMessage, // photos a msg may name (store/limits.mjs)
}) {
  const startedWith = checkServes(serves);
  let served = startedWith;
  const maxConnections = bounds.maxConnections ?? MAX_CONNECTIONS;
  const maxBuffered = bounds.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const {
    helloTimeoutMs, maxSocketsPerAddress, maxFrameDepth, frameBurst, framesPerSecond, frameDropsBeforeClose,
  } = clientBoundsWith(bounds);
  const perAddress = new Map(); // client address -> open sockets from it
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const conns = new Set();
  const current = new Map(); // session id -> this instance's newest connection of it
  const stalled = new Set(); // raw sockets of stall_upgrade
  const handles = new LocalSessions({ resumeWindowMs });
  let draining = false;

  const deliver = (id, gen, frame) => {
    const conn = current.get(id);
    if (conn && conn.gen === gen && !conn.replaced) conn.send(frame);
  };
  const turns = createTurns({ store, agentRuns, stats, log, signal, deliver, speakTyped: (id) => voice.speakTyped?.(id) ?? null });

  function replace(conn, reason) {
    if (conn.replaced) return;
    conn.replaced = true;
    if (current.get(conn.sessionId) === conn) current.delete(conn.sessionId);
    voice.connectionGone(conn); // its audio stops now, not when the close handshake ends
    conn.close(wire.CLOSE_REPLACED, reason);
    stats.countReplacement();
    log(`[server] WS /api/session replacing existing session ${short(conn.sessionId)} (${reason})`);
  }

  store.onKick((id, gen, reason) => {
    for (const conn of conns) if (conn.sessionId === id && conn.gen < gen) replace(conn, reason);
  });
  store.onAppend((id) => { // a control change or staff message, written anywhere
    const conn = current.get(id);
    if (conn && !conn.replaced) conn.catchUp();
    turns.controlChanged(id).catch((e) => log(`[server] store: ${e.message}`));
  });
  attachTyping({ store, current });
  // The store lost its data: every connection attached under an older epoch
  // starts fresh. One mid-hello (no epoch yet) is attached under the new one.
  store.onEpochChange((epoch) => {
    for (const conn of conns) if (conn.epoch !== undefined && conn.epoch !== epoch && !conn.replaced) lost(conn);
  });

  function lost(conn) {
    conn.replaced = true;
    voice.connectionGone(conn);
    conn.close(wire.CLOSE_SERVICE_RESTART, 'store reset');
  }

  function handleUpgrade(req, socket, head) {
    socket.on('error', () => {});
    if (draining) { // this instance is leaving: the client reconnects at once, through the balancer, elsewhere
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(wire.CLOSE_GOING_AWAY, 'going away: draining'));
      return;
    }
    const fault = faults?.takeSession() ?? null;
    const answer = fault ? faults.upgradeResponse(fault) : null;
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
    if (conns.size >= maxConnections) { // a close code the client backs off on, not a dead socket
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(wire.CLOSE_TRY_AGAIN_LATER, 'try again later: connections'));
      log(`[server] GET /api/session refused: ${conns.size} connections open (cap ${maxConnections})`);
      stats.countLimitHit('ws_connections');
      return;
    }
    // The peer's address (an IPv6 /64 as one, as POST /api/chat counts it):
    // behind a trusted proxy, X-Forwarded-For's (config/client-address.mjs).
    const address = addressKey(req.natterClientAddress ?? socket.remoteAddress ?? '');
    if ((perAddress.get(address) ?? 0) >= maxSocketsPerAddress) {
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(wire.CLOSE_TRY_AGAIN_LATER, 'try again later: address'));
      log(`[server] GET /api/session refused: ${maxSocketsPerAddress} sockets open from one address`);
      stats.countLimitHit('ws_sockets_per_address');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, fault, address));
  }

  function open(ws, fault, address) {
    const sender = createFrameSender(ws, fault);
    const conn = {
      ws, close: sender.close, sessionId: null, session: null, gen: 0, tabId: '', replaced: false, address,
      queue: Promise.resolve(), pending: 0, touchedAt: 0,
      rate: new SendRate({ burst: bounds.sendBurst, perSecond: bounds.sendPerSecond }),
      frames: new SendRate({ burst: frameBurst, perSecond: framesPerSecond }), framesDropped: 0,
      stale: (answer) => (answer === 'stale' ? replace(conn, wire.REASON_REPLACED) : lost(conn)),
    };
    const slowReader = () => {
      if (ws.bufferedAmount <= maxBuffered) return false;
      if (!conn.slow) {
        conn.slow = true;
        log(`[server] WS /api/session slow reader (${ws.bufferedAmount} bytes unsent): closing`);
        stats.countLimitHit('ws_slow_reader');
        ws.close(wire.CLOSE_TRY_AGAIN_LATER, 'try again later: slow reader');
        setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
      }
      return true;
    };
    const feed = createEventFeed(conn, store, (frame) => { if (!slowReader()) sender.send(forClient(frame, conn.features)); }, log);
    conn.features = new Set();
    conn.feed = feed;
    conn.catchUp = () => { if (conn.welcomed && !conn.replaced) feed.catchUp(); };
    conn.send = (frame) => {
      if (frame.type === 'event' && conn.welcomed) feed.push(frame);
      else if (!slowReader()) sender.send(frame);
    };
    conn.sendBinary = (bytes) => { if (!slowReader()) sender.sendBinary(bytes); };
    conns.add(conn);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    // The widget says hello at once; a socket that does not holds a slot for nothing.
    const helloTimer = setTimeout(() => {
      if (conn.sessionId || conn.replaced) return;
      log(`[server] WS /api/session no hello within ${helloTimeoutMs} ms: closing`);
      stats.countLimitHit('ws_hello_timeout');
      conn.close(wire.CLOSE_HELLO_TIMEOUT, 'hello timeout');
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    }, helloTimeoutMs);
    helloTimer.unref();
    ws.on('error', () => {}); // protocol errors: ws closes the socket itself (1002/1009)
    ws.on('close', (code) => {
      clearTimeout(helloTimer);
      const left = perAddress.get(address) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
      conns.delete(conn);
      voice.connectionGone(conn);
      if (conn.session) handles.detach(conn.session);
      if (conn.sessionId && current.get(conn.sessionId) === conn) current.delete(conn.sessionId);
      if (conn.gen && !conn.replaced) {
        store.detachSession(conn.sessionId, conn.gen).catch((e) => log(`[server] store: ${e.message}`));
      }
      log(`[server] WS /api/session closed ${code}${conn.sessionId ? ` session=${short(conn.sessionId)}` : ''}`);
    });
    ws.on('message', (data, isBinary) => {
      // Text frames only: voice packets have their own budget per call (voice-flood bounds).
      if (!isBinary && conn.frames.take(Date.now()) > 0) { // over its frame budget: dropped unread
        conn.framesDropped += 1;
        stats.countLimitHit('ws_frame_rate');
        if (conn.framesDropped === frameDropsBeforeClose) {
          log(`[server] WS /api/session over its frame budget (${framesPerSecond}/s): closing`);
          ws.close(wire.CLOSE_TRY_AGAIN_LATER, 'try again later: frame rate');
          setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
        }
        return;
      }
      conn.pending += 1;
      if (conn.pending === MAX_PENDING_FRAMES) ws._socket?.pause();
      conn.queue = conn.queue.then(() => onFrame(conn, data, isBinary)).catch((error) => {
        if (storeUnavailable(error)) { // Redis unreachable: the client backs off and resumes
          log(`[server] WS /api/session: the store is unreachable (${error.message})`);
          conn.close(wire.CLOSE_TRY_AGAIN_LATER, 'try again later: store');
          return;
        }
        log(`[server] WS frame handling failed: ${errorLine(error)}`); // one line, not a stack per frame
        conn.close(wire.CLOSE_INTERNAL_ERROR, 'internal error');
      }).finally(() => {
        conn.pending -= 1;
        if (conn.pending === MAX_PENDING_FRAMES - 1) ws._socket?.resume();
      });
    });
    log('[server] GET /api/session 101');
    sender.opened();
  }

  async function onFrame(conn, data, isBinary) {
    if (conn.replaced) return undefined;
    const parsed = parseClientFrame(data, isBinary, { maxDepth: maxFrameDepth, maxAttachments });
    const helloFirst = () => conn.send(errorFrame(wire.ERROR_BAD_FRAME, 'Send hello (and wait for welcome) first.'));
    switch (parsed.kind) {
      case 'hello':
        if (parsed.hello.v < served.minProtocol) return unsupported(conn);
        return hello(conn, parsed.hello);
      case 'unsupported_version': return unsupported(conn);
      case 'msg': {
        const messageId = parsed.msg.message_id;
        if (!conn.session) {
          return conn.send(errorFrame(wire.ERROR_BAD_FRAME, 'Send hello (and wait for welcome) first.', { message_id: messageId }));
        }
        const waitMs = conn.rate.take(Date.now());
        if (waitMs > 0) {
          stats.countLimitHit('ws_messages_rate_limited');
          return conn.send(errorFrame(wire.ERROR_RATE_LIMITED, 'Too many messages: send this one again later.',
            { message_id: messageId, retry_after_ms: waitMs }));
        }
        return turns.receiveMsg(conn, parsed.msg);
      }
      case 'identify':
        if (!conn.session) return helloFirst();
        return identify(conn.sessionId, parsed.visitor);
      case 'voice':
        if (!conn.session) return helloFirst();
        return voice.control(conn.session, conn, parsed.voice);
      case 'voice_packet': return voice.receivePacket(conn, parsed.data);
      case 'handoff_request':
        if (!conn.session) return helloFirst();
        return handoff.request(conn);
      case 'handoff_email':
        if (!conn.session) return helloFirst();
        return handoff.email(conn, parsed.email, parsed.email_id);
      case 'continue_offer':
        if (!conn.session) return helloFirst();
        return continueLinks.offer(conn, parsed.saved);
      case 'ping':
        conn.send(pongFrame(parsed.ping));
        return touch(conn);
      case 'bad': {
        const { kind, message, ...extra } = parsed;
        return conn.send(errorFrame(wire.ERROR_BAD_FRAME, message, extra));
      }
      default: return undefined; // unknown type: ignored
    }
  }

  function unsupported(conn) {
    const range = { min_protocol: served.minProtocol, max_protocol: PROTOCOL_VERSION };
    const speaks = served.minProtocol > PROTOCOL_VERSION ? 'no protocol version this client can speak'
      : `protocol version ${served.minProtocol}..${PROTOCOL_VERSION}`;
    conn.send(errorFrame(wire.ERROR_UNSUPPORTED_VERSION, `This server serves ${speaks}.`, range));
    return conn.close(wire.CLOSE_UNSUPPORTED_VERSION, 'unsupported version');
  }

  // A heartbeat keeps the session held and finds out, if a kick was missed,
  // that this connection was replaced (or that the store lost the session).
  async function touch(conn) {
    if (!conn.session || Date.now() - conn.touchedAt < heartbeatMs / 3) return;
    conn.touchedAt = Date.now();
    const answer = await store.touchSession(conn.sessionId, conn.gen);
    if (answer !== 'ok' && !conn.replaced) conn.stale(answer);
  }

  async function hello(conn, h) {
    if (conn.sessionId) return conn.send(errorFrame(wire.ERROR_BAD_FRAME, 'This connection already said hello.'));
    if (tokens) {
      const checked = tokens.verify(h.auth);
      if (!checked.ok) {
        // Before anything of the session is touched: a refused hello changes nothing.
        log(`[server] WS /api/session hello refused: token ${checked.reason}`);
        return conn.close(wire.CLOSE_UNAUTHORIZED, `unauthorized: token ${checked.reason}`);
      }
    }
    conn.sessionId = h.session_id; // the hello is said: a second one while the store answers is refused
    const given = await sessionForHello(store, h, { tabId: h.tab_id, instance }, log);
    if (given.full) {
      log(`[server] WS /api/session hello refused: the store holds the most sessions it may`);
      return conn.close(wire.CLOSE_TRY_AGAIN_LATER, 'try again later: sessions');
    }
    const { id, attached, events, resumed } = given;
    conn.sessionId = id;
    conn.gen = attached.gen;
    conn.epoch = attached.epoch ?? '';
    conn.line = attached.line ?? 'first'; // which device's token line proved it (continue/continue-links.mjs)
    conn.tabId = h.tab_id;
    conn.features = h.features ?? new Set();
    conn.feed.sentSeq = resumed ? Math.min(h.last_event_seq, attached.seq) : 0; // what the client holds
    conn.session = handles.attach(id, !resumed);
    const before = current.get(id);
    current.set(id, conn);
    if (before && before !== conn && !before.replaced && !attached.prev) replace(before, wire.REASON_REPLACED); // same instance, lost detach
    if (attached.prev) await store.kick(id, attached.gen, kickReason(attached, h.tab_id));
    await identify(id, h.visitor);
    await rememberOwner(store, id, attached.token);
    await bindFromHello(store, id, h.conversation_key); // so a POST for it needs the key too
    log(`[server] WS /api/session hello session=${short(id)} resumed=${resumed} replaced=${attached.prev !== null}`);
    const welcome = {
      type: 'welcome', session_id: id, resume_token: attached.token, resumed, replaced: attached.prev !== null,
      acked: attached.acked, event_seq: attached.seq, heartbeat_ms: heartbeatMs, build: currentBuild(),
      min_protocol: served.minProtocol, min_client: served.minClient,
    };
    // Who controls the conversation now, for a widget that follows handoff:
    // a reloaded page (or one that missed the control event) learns it here.
    if (conn.features.has('handoff')) welcome.control = welcomeControl(await store.getControl(id));
    if (conn.line === 'second') welcome.device = 'second'; // it may not revoke, nor hand the chat on
    conn.send(welcome);
    conn.welcomed = true; // events from here on go through the feed, after the welcome
    for (const frame of events) conn.send(frame);
    conn.touchedAt = Date.now();
    turns.pump(id, attached.gen);
    return undefined;
  }

  // The widget's latest word on who the shopper is (the hello's, or an
  // identify frame's); turns accepted from now on use it.
  async function identify(id, visitor) {
    const before = await store.getVisitor(id);
    await store.setVisitor(id, visitor);
    if (JSON.stringify(before) !== JSON.stringify(visitor)) {
      log(`[server] WS /api/session session=${short(id)} ${visitor ? 'identified' : 'anonymous'}`);
    }
  }

  // { session_id: 1 } for every session with a current connection here.
  function openCounts() {
    const counts = {};
    for (const [id, conn] of current) if (!conn.replaced) counts[id] = 1;
    return counts;
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
    for (const conn of conns) conn.ws.close(wire.CLOSE_GOING_AWAY, 'going away');
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); handles.clear(); resolve(); };
      const timer = setTimeout(() => { kill(); setImmediate(done); }, CLOSE_GRACE_MS);
      if (conns.size === 0) done();
      else for (const conn of conns) conn.ws.once('close', () => { if (conns.size === 0) done(); });
    });
  }

  // Changes what is served from the next hello on (null: back to the start's).
  function setServes(next) {
    served = next === null ? startedWith : checkServes({ ...served, ...next });
    return served;
  }

  // The graceful drain's first step (ops/drain.mjs): new sockets are closed
  // 1001 at once and no new turn is started here; close() then moves the
  // open sessions away.
  function drain() {
    draining = true;
    turns.stopStarting();
  }

  return {
    handleUpgrade, kill, close, openCounts, setServes, drain, openSockets: () => conns.size, clearLocal: () => handles.clear(),
  };
}
