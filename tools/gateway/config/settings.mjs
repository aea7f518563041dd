// Every setting the reference gateway reads, in one table: main.mjs parses
// and checks them (read-settings.mjs), prints them (secrets redacted), and
// docs/deploying.md shows the same table (settings-table.mjs renders it; a
// test compares the two, so the docs cannot drift from the code).
//
// A row: name (the environment variable, also the key in a --config file),
// type (parse-value.mjs), default (shown in the docs; '' = unset), secret
// (never printed), min (secrets: shortest accepted), choices (type enum),
// protocols (type url), modes (which of demo / gateway read it), doc (one line).
export const SETTINGS = Object.freeze([
  { name: 'PORT', type: 'port', default: '8787', doc: 'the port to listen on (0: any free port)' },
  { name: 'HOST', type: 'string', default: '127.0.0.1', doc: 'the address to listen on (0.0.0.0 or :: behind a proxy on another host)' },
  { name: 'NATTER_DEMO', type: 'flag', default: '', modes: ['demo'], doc: '1: the demo token endpoint GET /shop/natter-token (npm start sets it); refused by the gateway' },
  { name: 'NATTER_TEST_CONTROLS', type: 'flag', default: '', modes: ['demo'], doc: '1: the /__natter/ test controls; refused by the gateway' },
  { name: 'NATTER_AGENT', type: 'enum', choices: ['scripted', 'webhook', 'openai'], default: 'scripted', doc: 'who answers: the gateway needs webhook or openai (scripted is the demo shop)' },
  { name: 'NATTER_WEBHOOK_URL', type: 'url', protocols: ['http:', 'https:'], default: '', doc: 'webhook agent: the shop\'s endpoint' },
  { name: 'NATTER_WEBHOOK_SECRET', type: 'secret', min: 16, default: '', doc: 'webhook agent: the signing secret' },
  { name: 'NATTER_WEBHOOK_TIMEOUT_MS', type: 'ms', default: '15000', doc: 'webhook agent: longest silence from the shop' },
  { name: 'NATTER_OPENAI_BASE_URL', type: 'url', protocols: ['http:', 'https:'], default: 'https://api.openai.com/v1', doc: 'openai agent: the endpoint' },
  { name: 'NATTER_OPENAI_MODEL', type: 'string', default: '', doc: 'openai agent: the model name' },
  { name: 'NATTER_OPENAI_API_KEY', type: 'secret', min: 1, default: '', doc: 'openai agent: sent as Bearer (some local servers need none)' },
  { name: 'NATTER_OPENAI_TIMEOUT_MS', type: 'ms', default: '30000', doc: 'openai agent: longest silence from the endpoint' },
  { name: 'NATTER_OPENAI_MAX_RETRY_WAIT_MS', type: 'ms', default: '20000', doc: 'openai agent: longest Retry-After honoured' },
  { name: 'NATTER_OPENAI_MAX_TOKENS', type: 'int', default: '1024', doc: 'openai agent: max_tokens per model request (bounds each reply\'s length and cost)' },
  { name: 'NATTER_CATALOGUE', type: 'string', default: 'examples/shop-catalogue.csv', doc: 'the shop\'s catalogue (.json or .csv) for the openai agent and speech' },
  { name: 'NATTER_SHOP_NAME', type: 'string', default: 'the shop', doc: 'how the assistant names the shop' },
  { name: 'NATTER_VOICE_STT', type: 'string', default: 'pocketsphinx', doc: 'speech to text: pocketsphinx, off (scripted voice lines) or an .mjs adapter' },
  { name: 'NATTER_VOICE_TTS', type: 'string', default: 'espeak-ng', doc: 'text to speech: espeak-ng or an .mjs adapter' },
  { name: 'NATTER_VOICE_TTS_VOICE', type: 'string', default: 'en-us', doc: 'the espeak-ng voice' },
  { name: 'NATTER_RTC', type: 'enum', choices: ['on', 'off'], default: 'on', doc: 'off: voice only over the live session, never WebRTC' },
  { name: 'NATTER_TURN_URLS', type: 'list', default: '', doc: 'TURN servers (turn: / turns: URLs, comma-separated)' },
  { name: 'NATTER_TURN_SECRET', type: 'secret', min: 16, default: '', doc: 'the TURN server\'s shared auth secret' },
  { name: 'NATTER_TURN_TTL_S', type: 'int', default: '600', doc: 'TURN credential lifetime, seconds (60..86400)' },
  { name: 'NATTER_TOKEN_SECRET', type: 'secret', min: 16, default: '', doc: 'set: every chat needs a shop token signed with it' },
  { name: 'NATTER_STAFF_JWT_SECRET', type: 'secret', min: 32, default: '', doc: 'set: the staff API and operator console under /staff/, for per-person staff tokens (HS256 JWTs with sub, name, role, exp) the shop signs with it' },
  { name: 'NATTER_STAFF_TOKEN', type: 'secret', min: 16, default: '', doc: 'DEPRECATED: one shared staff token (an admin who types any name; revoked only by a restart): use NATTER_STAFF_JWT_SECRET' },
  { name: 'NATTER_STORE', type: 'enum', choices: ['memory', 'redis'], default: '', doc: 'where state lives; the gateway needs it said: memory (one instance) or redis' },
  { name: 'NATTER_REDIS_URL', type: 'url', protocols: ['redis:', 'rediss:'], redactUrl: true, default: '', doc: 'the Redis shared by every instance (NATTER_STORE=redis)' },
  { name: 'NATTER_ALLOWED_ORIGINS', type: 'origins', default: '', doc: 'the shop origins allowed by CORS and on the WebSocket upgrade; the gateway needs one, the demo allows any' },
  { name: 'NATTER_TRUSTED_PROXIES', type: 'cidrs', default: '', doc: 'proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated)' },
  { name: 'NATTER_MAX_SOCKETS_PER_ADDRESS', type: 'int', default: '256', doc: 'live-session sockets per client address' },
  { name: 'NATTER_MIN_CLIENT', type: 'string', default: '', doc: 'the oldest widget release served (older ones reload)' },
  { name: 'NATTER_METRICS', type: 'flag', default: '', doc: '1: /metrics on the serving port (keep it from shoppers at the proxy; docs/operating.md)' },
  { name: 'NATTER_METRICS_PORT', type: 'port', default: '', doc: '/metrics on a port of its own instead (what a deployment should use)' },
  { name: 'NATTER_METRICS_HOST', type: 'string', default: '127.0.0.1', doc: 'the address the metrics port listens on' },
  { name: 'NATTER_LOG_FORMAT', type: 'enum', choices: ['text', 'json'], default: 'text', doc: 'json: one JSON object per log line' },
  { name: 'NATTER_DRAIN_NOTICE_MS', type: 'ms', default: '2000', doc: 'on SIGTERM: how long /readyz answers 503 before live sessions are moved (your balancer\'s check interval times its fall count)' },
  { name: 'NATTER_DRAIN_TIMEOUT_MS', type: 'ms', default: '20000', doc: 'on SIGTERM: longest wait for the replies in progress here before the instance stops anyway' },
  { name: 'NATTER_DIST_DIR', type: 'string', default: 'dist', doc: 'the built widget (its manifest names the build; the gateway needs one already built)' },
]);

export const SETTING_NAMES = new Set(SETTINGS.map((s) => s.name));
