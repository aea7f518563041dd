// `npm start`: serves the demo storefront and the reference agent.
// Env: PORT (default 8787), HOST (default 127.0.0.1), NATTER_TEST_CONTROLS=1
// to enable /__natter/ test controls, NATTER_TOKEN_SECRET (16+ characters)
// to require shop tokens (requireToken), NATTER_DEMO=1 (set by `npm start`)
// for the demo shop's token endpoint GET /shop/natter-token, which mints a
// token for anyone (try /demo/token.html; never set it on a deployed
// gateway: docs/security-http.md), NATTER_AGENT
// and its settings to choose the agent (agents/config.mjs, docs/agents.md;
// scripted by default), NATTER_VOICE_STT and NATTER_VOICE_TTS for the voice
// agent's speech adapters (voice/speech/index.mjs; NATTER_VOICE_STT=off for
// the scripted voice lines),
// NATTER_REDIS_URL (redis://host:port) to keep the gateway's state in Redis,
// shared by every instance given the same URL (docs/deploying.md); without
// it, state is in this process's memory and a restart forgets it all
// (tools/server/store/README.md). NATTER_MIN_CLIENT (a release version: older
// widgets reload once, then say they are no longer supported; docs/protocol.md
// "Releases and reloads"). NATTER_MAX_SOCKETS_PER_ADDRESS (default 256): the
// live session's open sockets per client address; behind a proxy every
// shopper has its address, so raise it there (docs/security.md). Ctrl-C stops it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { ConfigError, agentFromEnv } from './agents/config.mjs';
import { MIN_STAFF_TOKEN_CHARS } from './staff/staff-auth.mjs';
import { sttFromEnv, ttsFromEnv } from './voice/speech/index.mjs';
import { turnConfigFromEnv } from './voice/turn-credentials.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const port = process.env.PORT === undefined || process.env.PORT === '' ? 8787 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

let chosen;
let stt;
let tts;
try {
  chosen = agentFromEnv(process.env, { log: console.log });
  stt = await sttFromEnv(process.env);
  tts = await ttsFromEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Agent configuration: ${error.message} (docs/agents.md)`);
  process.exit(2);
}

const staffToken = process.env.NATTER_STAFF_TOKEN || '';
if (staffToken && staffToken.length < MIN_STAFF_TOKEN_CHARS) {
  console.error(`NATTER_STAFF_TOKEN must be at least ${MIN_STAFF_TOKEN_CHARS} characters (docs/protocol.md, "Staff API").`);
  process.exit(2);
}

let turn = null;
try {
  turn = turnConfigFromEnv(process.env);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}

const perAddress = process.env.NATTER_MAX_SOCKETS_PER_ADDRESS;
if (perAddress !== undefined && perAddress !== '' && !(Number.isInteger(Number(perAddress)) && Number(perAddress) >= 1)) {
  console.error(`NATTER_MAX_SOCKETS_PER_ADDRESS must be a whole number >= 1, not ${JSON.stringify(perAddress)}`);
  process.exit(2);
}

const demo = process.env.NATTER_DEMO === '1';
const server = await startServer({
  staffToken,
  rtc: { enabled: process.env.NATTER_RTC !== 'off', turn },
  agent: chosen.agent,
  stt,
  tts,
  host: process.env.HOST || '127.0.0.1',
  port,
  distDir: path.join(repo, 'dist'),
  webDir: path.join(repo, 'web'),
  testControls: process.env.NATTER_TEST_CONTROLS === '1',
  requireToken: process.env.NATTER_TOKEN_SECRET ? { secret: process.env.NATTER_TOKEN_SECRET } : null,
  demo,
  redisUrl: process.env.NATTER_REDIS_URL || '',
  serves: { minClient: process.env.NATTER_MIN_CLIENT ?? '' },
  bounds: perAddress ? { maxSocketsPerAddress: Number(perAddress) } : {},
});
console.log(`Natter demo storefront: ${server.url}`);
console.log(`[server] agent: ${chosen.description}; voice: ${stt ? `${stt.name}, answered by the agent` : 'scripted lines'}, spoken by ${tts.name}`);
console.log(`[server] staff API: ${staffToken ? 'on (/staff/, NATTER_STAFF_TOKEN; operator console at /staff/console)' : 'off (set NATTER_STAFF_TOKEN to turn it on)'}`);
if (process.env.NATTER_TOKEN_SECRET) {
  console.log(`[server] shop tokens: required; demo token endpoint ${demo ? 'on (NATTER_DEMO=1: it mints a token for anyone, never deploy it)' : 'off (your shop backend mints tokens)'}`);
}
console.log(`[server] state: ${server.store === 'redis' ? 'Redis (NATTER_REDIS_URL), shared by every instance' : 'in memory (a restart forgets sessions and replies)'}`);

let stopping = false;
async function stop() {
  if (stopping) process.exit(130); // a second Ctrl-C: leave now
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
