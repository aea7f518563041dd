// What each way of starting needs beyond well-typed values (read-settings.mjs).
// `npm start` (demo) keeps today's forgiving defaults; `npm run gateway` is
// what a shop deploys, so nothing there may be left to a default that only
// suits the demo: an agent, the shop origins and the store must be said, and
// the demo's token endpoint and the test controls are refused outright.
//
// modeProblems(values, mode, {distDir}) -> ['NAME: …', …] (one line each).
// storeChoice(values) -> {redisUrl, redisSentinel?, redisStartTimeoutMs?} for startServer.
import { existsSync } from 'node:fs';
import path from 'node:path';

function storeProblems(values, mode) {
  const problems = [];
  const store = values.NATTER_STORE;
  const url = values.NATTER_REDIS_URL;
  const sentinels = values.NATTER_REDIS_SENTINELS?.length ? values.NATTER_REDIS_SENTINELS : null;
  if (store === 'redis' && !url && !sentinels) {
    problems.push('NATTER_REDIS_URL: required with NATTER_STORE=redis (redis://host:6379), or NATTER_REDIS_SENTINELS');
  }
  for (const name of ['NATTER_REDIS_USERNAME', 'NATTER_REDIS_PASSWORD', 'NATTER_REDIS_SENTINEL_USERNAME', 'NATTER_REDIS_SENTINEL_PASSWORD']) {
    if (values[name] && !sentinels) problems.push(`${name}: only with NATTER_REDIS_SENTINELS${name.includes('SENTINEL') ? '' : ' (with NATTER_REDIS_URL put it in the URL: redis://user:password@host:6379)'}`);
  }
  if (url && sentinels) problems.push('NATTER_REDIS_SENTINELS: set, and NATTER_REDIS_URL too: choose one (the sentinels name the primary)');
  if (store === 'memory' && (url || sentinels)) problems.push(`NATTER_STORE: memory, but ${url ? 'NATTER_REDIS_URL' : 'NATTER_REDIS_SENTINELS'} is set: choose one`);
  if (mode === 'gateway' && !store) {
    // A misspelt or forgotten Redis URL must not quietly give a gateway
    // whose instances each keep their own state.
    problems.push('NATTER_STORE: say where state lives: redis (with NATTER_REDIS_URL, shared by every instance) or memory (one instance; a restart forgets it)');
  }
  return problems;
}

function agentProblems(values, mode) {
  const problems = [];
  const agent = values.NATTER_AGENT ?? 'scripted';
  if (mode === 'gateway' && agent === 'scripted') {
    problems.push('NATTER_AGENT: choose webhook or openai (the scripted agent only knows the demo shop: npm start)');
  }
  if (agent === 'webhook') {
    if (!values.NATTER_WEBHOOK_URL) problems.push('NATTER_WEBHOOK_URL: required with NATTER_AGENT=webhook');
    if (!values.NATTER_WEBHOOK_SECRET) problems.push('NATTER_WEBHOOK_SECRET: required with NATTER_AGENT=webhook (16+ characters)');
  }
  if (agent === 'openai' && !values.NATTER_OPENAI_MODEL) problems.push('NATTER_OPENAI_MODEL: required with NATTER_AGENT=openai');
  if (values.NATTER_EVENTS_URL && !values.NATTER_EVENTS_SECRET) problems.push('NATTER_EVENTS_SECRET: required with NATTER_EVENTS_URL (16+ characters)');
  if (values.NATTER_EVENTS_URL && values.NATTER_RECORD === 'off') problems.push('NATTER_EVENTS_URL: the events out are sent from the record; it is off (NATTER_RECORD=off)');
  return problems;
}

function gatewayOnlyProblems(values, env, distDir) {
  const problems = [];
  // Refused when set at all (even to 0): whoever set it expects a demo.
  if (env.NATTER_DEMO) problems.push('NATTER_DEMO: not in the gateway (its token endpoint mints a token for anyone); unset it, or use npm start for the demo');
  if (env.NATTER_TEST_CONTROLS) problems.push('NATTER_TEST_CONTROLS: not in the gateway (the /__natter/ controls are for tests); unset it');
  if (!values.NATTER_ALLOWED_ORIGINS?.length) {
    problems.push('NATTER_ALLOWED_ORIGINS: name the shop origins whose pages may use this gateway (https://shop.example,https://www.shop.example)');
  }
  if (!existsSync(path.join(distDir, 'manifest.json'))) {
    problems.push(`NATTER_DIST_DIR: no manifest.json in ${distDir}: the gateway runs an already-built widget (npm run build, or a release's folder)`);
  }
  return problems;
}

export function modeProblems(values, env, mode, { distDir }) {
  return [
    ...(mode === 'gateway' ? gatewayOnlyProblems(values, env, distDir) : []),
    ...agentProblems(values, mode),
    ...storeProblems(values, mode),
  ];
}

export function storeChoice(values) {
  if (values.NATTER_STORE === 'memory') return { redisUrl: '' };
  if (values.NATTER_REDIS_SENTINELS?.length) {
    const auth = (username, password) => (password ? { username: username || undefined, password } : null);
    return {
      redisUrl: '',
      redisStartTimeoutMs: values.NATTER_REDIS_START_TIMEOUT_MS,
      redisSentinel: {
        name: values.NATTER_REDIS_SENTINEL_NAME || 'natter',
        nodes: values.NATTER_REDIS_SENTINELS,
        nodeAuth: auth(values.NATTER_REDIS_USERNAME, values.NATTER_REDIS_PASSWORD),
        sentinelAuth: auth(values.NATTER_REDIS_SENTINEL_USERNAME, values.NATTER_REDIS_SENTINEL_PASSWORD),
      },
    };
  }
  return { redisUrl: values.NATTER_REDIS_URL ?? '', redisStartTimeoutMs: values.NATTER_REDIS_START_TIMEOUT_MS };
}
