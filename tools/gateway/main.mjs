// Starts the reference gateway, one of two ways:
//   `npm start` (NATTER_DEMO=1 node tools/gateway/main.mjs): the demo
//     storefront, its scripted agent and its token endpoint, forgiving
//     defaults (any origin, state in memory).
//   `npm run gateway` (node tools/gateway/main.mjs --gateway): what a shop
//     deploys, from an already-built widget: no pages, no demo agent, no
//     demo token endpoint, no test controls; it refuses to start until the
//     agent, the shop origins and the store are said (config/mode-rules.mjs).
// Settings: every one is in config/settings.mjs (and docs/deploying.md,
// "Gateway settings"), from the environment or a JSON file (`--config FILE`
// or NATTER_CONFIG), the environment winning. A bad setting stops the start
// with one line per problem on stderr and exit code 2, never a stack trace.
// The effective settings are printed, secrets redacted. Ctrl-C stops it;
// SIGTERM drains it first (ops/drain.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSettings, unknownNatterNames } from './config/read-settings.mjs';
import { modeProblems, storeChoice } from './config/mode-rules.mjs';
import { effectiveConfigLines } from './config/effective-config.mjs';
import { recordChoice, recordWarnings } from './record/record-settings.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const mode = argv.includes('--gateway') ? 'gateway' : 'demo';
const processEnv = { ...process.env };

function refuse(problems) {
  for (const line of problems) console.error(`${mode === 'gateway' ? 'natter gateway' : 'natter'}: ${line}`);
  console.error(`Not started: fix the setting${problems.length > 1 ? 's' : ''} above (docs/deploying.md, "Gateway settings").`);
  process.exit(2);
}

const settings = readSettings({ argv, env: process.env });
const { values } = settings;
const distDir = path.resolve(repo, values.NATTER_DIST_DIR ?? 'dist');
const problems = [...settings.problems];
const unknownArg = argv.find((arg, i) => arg !== '--gateway' && arg !== '--config' && argv[i - 1] !== '--config' && !arg.startsWith('--config='));
if (unknownArg) problems.push(`${unknownArg}: not an option (--gateway, --config FILE)`);
// A setting already reported as malformed is not reported again as missing.
const named = new Set(problems.map((line) => line.split(/[: ]/)[0]));
problems.push(...modeProblems(values, settings.env, mode, { distDir }).filter((line) => !named.has(line.split(/[: ]/)[0])));
if (problems.length) refuse(problems);
// The file's settings become the environment's for every reader of it (the
// agent and speech adapters, ops/): one source from here on.
Object.assign(process.env, settings.env);

// Loaded only once the settings are sound: a refused start answers at once.
const { startServer } = await import('./server.mjs');
const { ConfigError, agentFromEnv } = await import('./agents/config.mjs');
const { sttFromEnv, ttsFromEnv } = await import('./voice/speech/index.mjs');
const { turnConfigFromEnv } = await import('./voice/turn-credentials.mjs');

let chosen;
let stt;
let tts;
let turn;
try {
  chosen = agentFromEnv(process.env, { log: console.log });
  stt = await sttFromEnv(process.env);
  tts = await ttsFromEnv(process.env);
  turn = turnConfigFromEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigError) && !/^NATTER_/.test(error.message)) throw error;
  refuse([error.message]);
}

const demo = mode === 'demo' && values.NATTER_DEMO === true;
const staffToken = values.NATTER_STAFF_TOKEN ?? '';
const staffJwtSecret = values.NATTER_STAFF_JWT_SECRET ?? '';
let server;
try {
  server = await startServer({
    staffToken,
    staffJwtSecret,
    rtc: { enabled: values.NATTER_RTC !== 'off', turn },
    voiceTurns: values.NATTER_VOICE_TURNS ?? 'adaptive',
    agent: chosen.agent,
    stt,
    tts,
    host: values.HOST ?? '127.0.0.1',
    port: values.PORT ?? 8787,
    distDir,
    webDir: path.join(repo, 'web'),
    serveFiles: mode === 'demo',
    testControls: mode === 'demo' && values.NATTER_TEST_CONTROLS === true,
    requireToken: values.NATTER_TOKEN_SECRET ? { secret: values.NATTER_TOKEN_SECRET } : null,
    demo,
    ...storeChoice(values),
    record: recordChoice(values, { repo }),
    allowedOrigins: values.NATTER_ALLOWED_ORIGINS?.length ? values.NATTER_ALLOWED_ORIGINS : null,
    trustedProxies: values.NATTER_TRUSTED_PROXIES ?? [],
    serves: { minClient: values.NATTER_MIN_CLIENT ?? '' },
    bounds: values.NATTER_MAX_SOCKETS_PER_ADDRESS ? { maxSocketsPerAddress: values.NATTER_MAX_SOCKETS_PER_ADDRESS } : {},
  });
} catch (error) {
  // The port taken, Redis unreachable, …: one line, not a stack trace.
  console.error(`natter: could not start: ${error.message}`);
  process.exit(1);
}
console.log(`${mode === 'gateway' ? 'Natter gateway' : 'Natter demo storefront'}: ${server.url}`);
for (const line of effectiveConfigLines({ env: settings.env, processEnv, configFile: settings.configFile, all: mode === 'gateway' })) {
  console.log(`[server] config: ${line}`);
}
for (const name of unknownNatterNames(processEnv)) console.log(`[server] config: ${name} is not a setting (misspelt?); ignored`);
console.log(`[server] agent: ${chosen.description}; voice: ${stt ? `${stt.name}, answered by the agent` : 'scripted lines'}, spoken by ${tts.name}`);
// One pocketsphinx per utterance is slower (it loads its model each time): say why.
if (stt?.engine === 'per-utterance') console.log(`[server] voice: pocketsphinx starts once per utterance: ${stt.why}`);
const staffWays = [staffJwtSecret && 'per-person staff tokens (NATTER_STAFF_JWT_SECRET)', staffToken && 'the shared NATTER_STAFF_TOKEN (deprecated: anyone holding it is an admin who types any name; move to NATTER_STAFF_JWT_SECRET)'].filter(Boolean);
console.log(`[server] staff API: ${staffWays.length ? `on (/staff/, operator console at /staff/console) with ${staffWays.join(' and ')}` : 'off (set NATTER_STAFF_JWT_SECRET to turn it on)'}`);
if (values.NATTER_TOKEN_SECRET) {
  console.log(`[server] shop tokens: required; demo token endpoint ${demo ? 'on (NATTER_DEMO=1: it mints a token for anyone, never deploy it)' : 'off (your shop backend mints tokens)'}`);
}
console.log(`[server] origins: ${values.NATTER_ALLOWED_ORIGINS?.length ? values.NATTER_ALLOWED_ORIGINS.join(', ') : 'any (the demo; NATTER_ALLOWED_ORIGINS narrows it)'}`);
console.log(`[server] record: ${server.record}`);
for (const line of recordWarnings(values)) console.log(`[server] record: ${line}`);
console.log(`[server] state: ${server.store === 'redis' ? 'Redis (NATTER_REDIS_URL), shared by every instance' : 'in memory (a restart forgets sessions and replies)'}`);

// SIGTERM (a deploy, systemd's stop): the graceful drain (ops/drain.mjs):
// out of the balancer, replies in progress finished, sessions moved, exit 0.
// Ctrl-C: close at once. A second signal of either kind: leave now.
let stopping = false;
async function stop(signal) {
  if (stopping) process.exit(130);
  stopping = true;
  if (signal === 'SIGTERM') {
    await server.drain({ noticeMs: values.NATTER_DRAIN_NOTICE_MS ?? 2000, timeoutMs: values.NATTER_DRAIN_TIMEOUT_MS ?? 20000 });
  } else await server.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
