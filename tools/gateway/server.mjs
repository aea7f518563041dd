// The reference server: the demo storefront's files, the chat endpoint and
// the live session (docs/protocol.md) with an agent adapter (agents/, the
// scripted demo agent by default), and optional
// test controls. Routing lives here; each endpoint is its own file. Both
// chat paths share one store (store/README.md: in memory, or Redis shared by
// several instances) and the agent-run machinery (agent-runs.mjs), so a
// message id runs the agent once whichever way, and wherever, it came.
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createChatHandler, handleChatPreflight } from './http/chat-endpoint.mjs';
import { createStaticHandler } from './static/static-files.mjs';
import { RequestStats } from './ops/request-stats.mjs';
import { createAgentRuns } from './runs/agent-runs.mjs';
import { createScriptedAgent } from './agents/scripted.mjs';
import { logRequest } from './http/request-log.mjs';
import { errorLine, pathnameOf, sendError, sendJson } from './http/http-util.mjs';
import { randomBytes } from 'node:crypto';
import { openStore } from './store/open-store.mjs';
import { storeUnavailable } from './store/store-errors.mjs';
import { DEFAULT_LIMITS, limitsWith } from './store/limits.mjs';
import { createChatBudget } from './http/chat-budget.mjs';
import { LEASE_MS } from './runs/reply-run.mjs';
import { createSessionEndpoint, HEARTBEAT_MS } from './session/session-endpoint.mjs';
import { writeRawResponse } from './http/raw-response.mjs';
import { createVoiceGateway } from './voice/voice-gateway.mjs';
import { createVoiceAgent } from './voice/voice-agent.mjs';
import { createVoiceModuleLoader } from './voice/voice-module.mjs';
import { DEFAULT_AGENT_LINES } from './voice/agent-script.mjs';
import { createTokenGate } from './auth/access-tokens.mjs';
import { SHOP_TOKEN_PATH, handleShopToken } from './auth/shop-token.mjs';
import { createHandoffFrames, PRESENCE_MS } from './session/handoff-frames.mjs';
import { createStaffApi, STAFF_PREFIX } from './staff/staff-api.mjs';
import { CONTINUE_PATH, CONTINUE_TTL_MS, createContinueLinks } from './continue/continue-links.mjs';
import { createStaffAuth } from './staff/staff-auth.mjs';
import { createOriginPolicy } from './config/origin-policy.mjs';
import { clientAddress, trustedProxies as proxyMatcher } from './config/client-address.mjs';
import { openGatewayRecord } from './record/gateway-record.mjs';
import { createFeedbackHandler, FEEDBACK_PATH } from './http/feedback-endpoint.mjs';
import { ACTION_PATH, ACTION_RESULT_PATH, createActionHandler } from './http/action-endpoint.mjs';
import { ATTACHMENT_PATH, createAttachmentHandler, handleAttachmentPreflight } from './http/attachment-endpoint.mjs';
import { createOps, opsOptionsFromEnv } from './ops/ops.mjs';
import { createDrain } from './ops/drain.mjs';

export const SESSION_PATH = '/api/session';

// The test controls and injected faults (testing/) are test-only code: a
// gateway started without test controls never loads them.
async function loadTesting() {
  const [{ createTestControls }, { FaultQueue }, { VoiceFaults }] = await Promise.all([
    import('./testing/test-controls.mjs'), import('./testing/faults.mjs'), import('./testing/voice-faults.mjs'),
  ]);
  return { createTestControls, FaultQueue, VoiceFaults };
}

// GET /api/session without an upgrade (the client's diagnosis probe): 426,
// or the status of an injected refused upgrade waiting for its probe.
function handleSessionProbe(req, res, faults) {
  const injected = faults?.takeProbe();
  if (injected) {
    res.writeHead(injected.status, injected.headers);
    return res.end(req.method === 'HEAD' ? undefined : injected.body);
  }
  return sendJson(res, 426, { error: { code: 'upgrade_required', message: 'Connect with a WebSocket upgrade.' } }, {
    Upgrade: 'websocket', 'Access-Control-Allow-Origin': '*',
  });
}

// Starts listening and resolves { url, port, close() }. `close()` ends open
// reply streams, closes live sessions (1001) and sockets, stops agent runs,
// and resolves when the server is fully closed; the port can be reused at once.
// `resumeWindowMs` and `heartbeatMs` tune the live session (tests shorten them).
// `releaseDir` serves a release folder (docs/deploying.md) before distDir;
// `pageHeaders` serves pages under a prefix with extra headers; `fileHeaders`
// changes the headers of shipped files by name prefix (static-files.mjs).
// `voiceLines` ({greeting, replies}) is what the voice agent says; the voice
// module is loaded (once, on the first voice.start) from distDir's manifest,
// else build/wasm (voice/voice-module.mjs).
// `serves` ({minProtocol, minClient}): the oldest session protocol and
// widget release the live session still serves (session-endpoint.mjs).
// `requireToken` ({secret}, off by default): hello.auth and POST /api/chat
// must carry a valid signed token (access-tokens.mjs).
// `demo` (off by default; `npm start` turns it on with NATTER_DEMO=1): mounts
// the demo shop's token endpoint GET /shop/natter-token (shop-token.mjs),
// which mints a token for anyone who asks. Never on in a deployed gateway:
// there the shop's own backend mints tokens for shoppers it knows.
// `redisUrl` (NATTER_REDIS_URL): keep the gateway's state in that Redis,
// shared with every instance given the same URL; or `redisSentinel`
// ({name, nodes}: NATTER_REDIS_SENTINELS) in the Redis those sentinels
// name as primary, followed through a failover; without either, in memory.
// `limits` (store/limits.mjs) and `bounds` ({maxConnections,
// maxBufferedBytes, sendBurst, sendPerSecond}, session-endpoint.mjs, and
// every name in session/client-bounds.mjs) lower
// or raise the caps; `leaseMs` is how long a dead instance's agent run waits
// before another takes it over (`actionLeaseMs`: how long a confirming
// page holds an action, actions/action-ledger.mjs); `instance` names this gateway in the store.
// `stt` (an stt adapter, voice/speech/index.mjs; off by default): the
// voice agent answers what the shopper said, through `agent`
// (voice/voice-agent.mjs), instead of the scripted `voiceLines` replies.
// `tts` (a tts adapter, the same file; default espeak-ng): the agent's voice.
// `voiceTurns`: 'adaptive' (default) or 'fixed', how the voice gateway
// decides that the shopper's turn ended (voice/turn-taking.mjs).
// `voiceAnswer`: 'streamed' (default with adaptive turns) speaks the answer
// sentence by sentence as the agent writes it; 'whole' waits for the whole
// answer (the default with fixed turns; benches compare the two).
// `agent`: the agent adapter that answers turns (agents/index.mjs; main.mjs
// picks one from the environment with agents/config.mjs).
// `continueTtlMs`: how long a "continue on your phone" link lives (2 min;
// continue/continue-links.mjs).
// `staffJwtSecret` (NATTER_STAFF_JWT_SECRET; off by default): the staff API
// for per-person staff tokens (staff/staff-tokens.mjs, signed by the shop).
// `staffToken` (NATTER_STAFF_TOKEN, deprecated; off by default): turns on the staff API
// under /staff/ (staff/staff-api.mjs); `presenceMs`: how recent a staff call
// must be for staff to count as online (session/handoff-frames.mjs).
// `metrics`, `metricsPort`, `metricsHost`, `logFormat` (defaults from
// NATTER_METRICS, NATTER_METRICS_PORT, NATTER_METRICS_HOST,
// NATTER_LOG_FORMAT) and `readyTimeoutMs`: /metrics, /readyz and JSON log
// lines (ops/ops.mjs, docs/operating.md).
// `allowedOrigins` (NATTER_ALLOWED_ORIGINS; null: any, as the demo): the
// shop origins CORS answers and the WebSocket upgrade accepts
// (config/origin-policy.mjs). `trustedProxies` (NATTER_TRUSTED_PROXIES):
// peers whose X-Forwarded-For names the client for the per-address budgets
// (config/client-address.mjs; req.natterClientAddress). `serveFiles` (true):
// false answers 404 for every file, the demo pages included (the gateway).
// The build id in distDir's manifest, read at each hello (a rebuild or a
// release swaps it under a running server), or "" without one.
function servedBuild(distDir) {
  try {
    return String(JSON.parse(readFileSync(path.join(distDir, 'manifest.json'), 'utf8')).build || '');
  } catch {
    return '';
  }
}

export async function startServer({
  host = '127.0.0.1',
  port = 0,
  distDir,
  releaseDir,
  webDir,
  pageHeaders,
  fileHeaders,
  testControls = false,
  tokenDelayMs = 20,
  resumeWindowMs = DEFAULT_LIMITS.resumeWindowMs,
  redisUrl = '',
  redisSentinel = null,
  redisStartTimeoutMs = undefined, // NATTER_REDIS_START_TIMEOUT_MS (store/redis-store.mjs has the default)
  limits = {},
  bounds = {},
  leaseMs = LEASE_MS,
  actionLeaseMs = 0, // 0: the ledger's ACTION_LEASE_MS (a confirming page's hold on an action)
  instance = `gw-${randomBytes(4).toString('hex')}`,
  heartbeatMs = HEARTBEAT_MS,
  voiceLines = DEFAULT_AGENT_LINES,
  requireToken = null,
  demo = false,
  serves = {},
  agent = createScriptedAgent(),
  stt = null,
  tts = null,
  staffToken = '',
  staffJwtSecret = '',
  presenceMs = PRESENCE_MS,
  continueTtlMs = CONTINUE_TTL_MS,
  rtc = {}, // voice over WebRTC (voice/call-rtc.mjs): {enabled (true), turn (turn-credentials.mjs config or null)}
  voiceTap = null, // benches and tests only: the voice gateway's tap (voice-gateway.mjs)
  voiceTurns = 'adaptive', // when a shopper's spoken turn ends: 'adaptive' or 'fixed' (voice/turn-taking.mjs)
  voiceAnswer = voiceTurns === 'fixed' ? 'whole' : 'streamed',
  allowedOrigins = null,
  trustedProxies = [],
  serveFiles = true,
  log: writeLog = console.log,
  metrics = opsOptionsFromEnv().metrics,
  metricsPort = opsOptionsFromEnv().metricsPort,
  metricsHost = opsOptionsFromEnv().metricsHost,
  logFormat = opsOptionsFromEnv().logFormat,
  readyTimeoutMs = 0,
  record = null,
} = {}) {
  const ops = createOps({ instance, metrics, metricsPort, metricsHost, logFormat, log: writeLog, readyTimeoutMs });
  const { log } = ops;
  const origins = createOriginPolicy(allowedOrigins);
  const proxies = proxyMatcher(trustedProxies);

  const shutdown = new AbortController();
  // Every agent run and reader of this instance listens to it (each reader
  // for at most one poll interval): many listeners by design.
  setMaxListeners(0, shutdown.signal);
  const tokens = createTokenGate(requireToken);
  const testing = testControls ? await loadTesting() : null;
  const faults = testing ? new testing.FaultQueue() : null;
  const voiceFaults = testing ? new testing.VoiceFaults() : null;
  // The record (docs/record.md) opens first: a database that cannot be
  // opened stops the start before anything listens.
  const kept = await openGatewayRecord({ ...(record ?? {}), log });
  const store = kept.wrapStore(ops.wrapStore(await openStore({ redisUrl, redisSentinel, redisStartTimeoutMs, limits: { ...limits, resumeWindowMs }, log })));
  let answerSpeech = null; // set below, once the agent runs exist
  const voice = createVoiceGateway({
    loadVoice: createVoiceModuleLoader(), faults: voiceFaults, log, lines: voiceLines,
    ...(tts ? { synthesize: tts.synthesize } : {}),
    calls: { load: (id, callId) => store.loadVoiceCall(id, callId), save: (id, callId, r) => store.saveVoiceCall(id, callId, r) },
    events: { append: (id, replyTo, event) => store.appendEvent(id, replyTo, event) },
    answer: stt ? (request) => answerSpeech(request) : null,
    transcribe: stt ? (pcm) => stt.transcribe(pcm) : null,
    rtc, tap: voiceTap, bounds, turns: voiceTurns,
    onCallTime: (sessionId, stretch) => kept.recorder.voiceTime(sessionId, stretch),
  });
  let live = null;
  const stats = new RequestStats({ openConnections: () => live.openCounts(), voiceTotals: voice.totals });
  const handoff = createHandoffFrames({ store, presenceMs, log });
  const agentRuns = createAgentRuns({
    store, stats, tokenDelayMs, instance, leaseMs, signal: shutdown.signal, agent, log,
    requestHandoff: handoff.requestHandoff, recorder: kept.recorder,
  });
  const staffAuth = createStaffAuth(staffToken, { jwtSecret: staffJwtSecret, store });
  const staff = createStaffApi({ store, auth: staffAuth, log, record: kept.record, recorder: kept.recorder, bodyTimeoutMs: limitsWith(limits).bodyTimeoutMs });
  const continueLinks = createContinueLinks({ store, log, ttlMs: continueTtlMs, bounds });
  if (stt) answerSpeech = createVoiceAgent({ stt, agentRuns, store, log, streamed: voiceAnswer !== 'whole' });
  const httpLimits = limitsWith(limits);
  const budget = createChatBudget(httpLimits, { store });
  const feedback = createFeedbackHandler({ recorder: kept.recorder, store, tokens, log, limits: httpLimits });
  const actions = createActionHandler({ store, tokens, instance, log, limits: httpLimits, leaseMs: actionLeaseMs });
  const attachments = createAttachmentHandler({ store, tokens, log, limits: httpLimits });
  const chat = createChatHandler({
    agentRuns, store, stats, faults, tokenDelayMs, tokens, log, signal: shutdown.signal, budget,
    bodyTimeoutMs: httpLimits.bodyTimeoutMs, maxAttachments: httpLimits.attachmentsPerMessage,
  });
  live = createSessionEndpoint({
    store, agentRuns, voice, stats, faults, tokens, log, heartbeatMs, resumeWindowMs, instance,
    signal: shutdown.signal, bounds, currentBuild: () => servedBuild(distDir), serves, handoff, continueLinks,
    maxAttachments: httpLimits.attachmentsPerMessage,
  });
  ops.attach({
    store, stats, voice, record: kept, openSessions: () => Object.keys(live.openCounts()).length, shuttingDown: () => shutdown.signal.aborted,
  });
  const files = createStaticHandler({ releaseDir, distDir, webDir, pageHeaders, fileHeaders });
  const controls = testing
    ? testing.createTestControls({
      store, stats, faults, sessionEndpoint: live, voice, voiceFaults, tokens, continueLinks,
      budget: {
        clear: () => { budget.clear(); feedback.budget.clear(); actions.budget.clear(); attachments.budget.clear(); staff.budget.clear(); },
      },
    }) : null;

  async function route(req, res, pathname) {
    if (pathname === null) return sendError(res, 400, 'bad_url', 'Malformed URL.');
    if (ops.handles(pathname)) return ops.handle(req, res, pathname);
    if (pathname === '/api/chat') {
      if (req.method === 'POST') return chat(req, res, req.natterLog);
      if (req.method === 'OPTIONS') return handleChatPreflight(req, res);
      return sendError(res, 405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
    }
    if (pathname === FEEDBACK_PATH) {
      if (req.method === 'POST') return feedback(req, res);
      if (req.method === 'OPTIONS') return handleChatPreflight(req, res);
      return sendError(res, 405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
    }
    if (pathname === ACTION_PATH || pathname === ACTION_RESULT_PATH) {
      if (req.method === 'POST') return actions(req, res, pathname);
      if (req.method === 'OPTIONS') return handleChatPreflight(req, res);
      return sendError(res, 405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
    }
    if (pathname === ATTACHMENT_PATH) {
      if (req.method === 'POST') return attachments(req, res);
      if (req.method === 'OPTIONS') return handleAttachmentPreflight(req, res);
      return sendError(res, 405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
    }
    if (pathname === SESSION_PATH) {
      if (req.method === 'GET' || req.method === 'HEAD') return handleSessionProbe(req, res, faults);
      return sendError(res, 405, 'method_not_allowed', 'Use GET with a WebSocket upgrade.', { Allow: 'GET' });
    }
    if (pathname.startsWith(STAFF_PREFIX)) return staff(req, res, pathname);
    if (pathname === CONTINUE_PATH) return continueLinks.handle(req, res);
    if (pathname === SHOP_TOKEN_PATH && tokens && demo) return handleShopToken(req, res, tokens, log);
    if (pathname.startsWith('/__natter/')) {
      if (controls) return controls(req, res, pathname);
      return sendError(res, 404, 'not_found', 'Not found.');
    }
    if (!serveFiles) return sendError(res, 404, 'not_found', 'Not found.');
    if (req.method === 'GET' || req.method === 'HEAD') return files(req, res, pathname);
    return sendError(res, 405, 'method_not_allowed', 'Use GET.', { Allow: 'GET, HEAD' });
  }

  const server = http.createServer((req, res) => {
    const pathname = pathnameOf(req);
    req.natterLog = { key: null };
    logRequest(req, res, req.natterLog, pathname ?? req.url, ops.requestLog(pathname, res));
    ops.watchResponse(res);
    req.natterClientAddress = clientAddress(req, proxies);
    if (!origins.admit(req, res, pathname)) return;
    route(req, res, pathname).catch((error) => {
      if (storeUnavailable(error)) { // Redis unreachable: a delay, not a failure (the client retries the same key)
        log(`[server] ${req.method} ${req.url}: the store is unreachable (${error.message})`);
        if (!res.headersSent) {
          sendError(res, 503, 'store_unavailable', 'The chat service is briefly unavailable; retry.',
            { 'Retry-After': '2', 'Access-Control-Allow-Origin': '*' });
        } else res.destroy();
        return;
      }
      log(`[server] error handling ${req.method} ${pathname ?? '(bad url)'}: ${errorLine(error)}`);
      if (!res.headersSent) sendError(res, 500, 'internal', 'Internal server error.');
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    if (!origins.allows(req.headers.origin)) { // before the upgrade: a foreign page gets no socket
      socket.on('error', () => {});
      log(`[server] ${req.method} ${req.url} upgrade refused: origin ${JSON.stringify(req.headers.origin)} not allowed`);
      writeRawResponse(socket, 403, { 'Content-Type': 'text/plain', Vary: 'Origin' }, 'Origin not allowed.\n');
      return;
    }
    req.natterClientAddress = clientAddress(req, proxies);
    if (pathnameOf(req) === SESSION_PATH && req.method === 'GET' && !shutdown.signal.aborted) {
      live.handleUpgrade(req, socket, head);
      return;
    }
    socket.on('error', () => {});
    log(`[server] ${req.method} ${req.url} upgrade refused`);
    writeRawResponse(socket, shutdown.signal.aborted ? 503 : 404, { 'Content-Type': 'text/plain' }, 'No upgrade here.\n');
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const metricsUrl = await ops.listen().catch((error) => { server.close(); store.close(); kept.close(); throw error; });
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing = null;
  function close() {
    closing ??= new Promise((resolve) => {
      shutdown.abort();
      let pending = 3;
      const oneDone = () => { pending -= 1; if (pending === 0) resolve(); };
      ops.close().then(oneDone);
      server.close(oneDone);
      server.closeAllConnections();
      live.close().then(() => store.close()).catch(() => {}).then(() => kept.close()).catch(() => {}).then(oneDone);
    });
    return closing;
  }

  const { drain } = createDrain({ setDraining: ops.setDraining, live, agentRuns, close, log });

  // voice: the gateway, for benches that make the agent speak (sayToOpenCalls).
  // setDraining(true): /readyz answers 503 draining (the graceful drain's first step).
  // drain({noticeMs, timeoutMs}): the whole graceful drain, ending in close() (ops/drain.mjs).
  // metricsUrl: the separate metrics listener's /metrics, or null.
  return {
    url: `http://${urlHost}:${actualPort}/`, port: actualPort, instance, store: store.kind, record: kept.describe, close, drain, voice,
    setDraining: ops.setDraining, metricsUrl,
  };
}
