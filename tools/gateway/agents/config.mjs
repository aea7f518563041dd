// Picks the agent adapter from the environment (main.mjs, `npm start`), so
// a shop switches agents with configuration, not code (docs/agents.md):
//
//   NATTER_AGENT                  scripted (default) | webhook | openai
//   webhook:
//     NATTER_WEBHOOK_URL          the shop's http(s) endpoint (required)
//     NATTER_WEBHOOK_SECRET       signing secret, 16+ characters (required)
//     NATTER_WEBHOOK_TIMEOUT_MS   longest silence from the shop (default 15000)
//   openai:
//     NATTER_OPENAI_BASE_URL      default https://api.openai.com/v1
//     NATTER_OPENAI_MODEL         the model name (required)
//     NATTER_OPENAI_API_KEY       sent as Bearer (optional: some local servers need none)
//     NATTER_CATALOGUE            the shop's catalogue, .json or .csv
//                                 (default examples/shop-catalogue.csv, the demo's)
//     NATTER_VENDURE_SHOP_API     instead of a file, a Vendure storefront's Shop API
//                                 (https://shop.example/shop-api), read live
//     NATTER_VENDURE_PRODUCT_URL  its product pages, with {slug} (required with it)
//     NATTER_SHOP_NAME            how the assistant names the shop (default "the shop")
//     NATTER_OPENAI_TIMEOUT_MS    longest silence from the endpoint (default 30000)
//     NATTER_OPENAI_MAX_RETRY_WAIT_MS  longest Retry-After honoured on 429/5xx (default 20000)
//     NATTER_OPENAI_MAX_TOKENS    the model's max_tokens per request (default 1024)
//   voice: NATTER_VOICE_STT, NATTER_VOICE_TTS (voice/speech/index.mjs).
//
// agentFromEnv(env) → { agent, description, tools? } (description: one log
// line, never a secret; tools: the openai adapter's shop tools) or throws
// ConfigError naming the variable to fix.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScriptedAgent } from './scripted.mjs';
import { createWebhookAgent, DEFAULT_TIMEOUT_MS as WEBHOOK_TIMEOUT_MS } from './webhook.mjs';
import { createOpenAiAgent, DEFAULT_OPENAI } from './openai.mjs';
import { loadCatalogue } from './shop-catalogue.mjs';
import { createShopTools } from './shop-tools.mjs';
import { createVendureShop } from './vendure-shop.mjs';

export class ConfigError extends Error {}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEMO_CATALOGUE = path.join(REPO, 'examples/shop-catalogue.csv');
const MIN_SECRET = 16;

function httpUrl(env, name, fallback) {
  const value = env[name] || fallback;
  if (!value) throw new ConfigError(`${name} is required.`);
  let url;
  try { url = new URL(value); } catch { url = null; }
  if (!url || !['http:', 'https:'].includes(url.protocol)) throw new ConfigError(`${name} must be an http(s) URL.`);
  return url.href;
}

function milliseconds(env, name, fallback) {
  if (env[name] === undefined || env[name] === '') return fallback;
  const ms = Number(env[name]);
  if (!Number.isInteger(ms) || ms <= 0) throw new ConfigError(`${name} must be a whole number of milliseconds.`);
  return ms;
}

function wholeNumber(env, name, fallback) {
  if (env[name] === undefined || env[name] === '') return fallback;
  const n = Number(env[name]);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a whole number >= 1.`);
  return n;
}

function webhookFromEnv(env) {
  const url = httpUrl(env, 'NATTER_WEBHOOK_URL');
  const secret = env.NATTER_WEBHOOK_SECRET ?? '';
  if (secret.length < MIN_SECRET) throw new ConfigError(`NATTER_WEBHOOK_SECRET must be at least ${MIN_SECRET} characters.`);
  const timeoutMs = milliseconds(env, 'NATTER_WEBHOOK_TIMEOUT_MS', WEBHOOK_TIMEOUT_MS);
  return { agent: createWebhookAgent({ url, secret, timeoutMs }), description: `webhook ${new URL(url).origin}` };
}

function openAiFromEnv(env, log, adapterOptions) {
  const baseUrl = httpUrl(env, 'NATTER_OPENAI_BASE_URL', DEFAULT_OPENAI.baseUrl);
  const model = env.NATTER_OPENAI_MODEL;
  if (!model) throw new ConfigError('NATTER_OPENAI_MODEL is required.');
  const { products, shop, source } = catalogueFromEnv(env);
  const tools = createShopTools({ products, shop, log });
  const agent = createOpenAiAgent({
    baseUrl, model, apiKey: env.NATTER_OPENAI_API_KEY || null, tools,
    shopName: env.NATTER_SHOP_NAME || DEFAULT_OPENAI.shopName,
    timeoutMs: milliseconds(env, 'NATTER_OPENAI_TIMEOUT_MS', DEFAULT_OPENAI.timeoutMs),
    maxRetryWaitMs: milliseconds(env, 'NATTER_OPENAI_MAX_RETRY_WAIT_MS', DEFAULT_OPENAI.maxRetryWaitMs),
    maxTokens: wholeNumber(env, 'NATTER_OPENAI_MAX_TOKENS', DEFAULT_OPENAI.maxTokens),
    log, ...adapterOptions,
  });
  return { agent, tools, description: `openai ${new URL(baseUrl).origin} model ${model}, ${source}` };
}

// The products the tools search: a Vendure storefront's, live, or a file's.
function catalogueFromEnv(env) {
  if (env.NATTER_VENDURE_SHOP_API) {
    const shopApiUrl = httpUrl(env, 'NATTER_VENDURE_SHOP_API');
    const productUrl = env.NATTER_VENDURE_PRODUCT_URL ?? '';
    let page = null;
    try { page = new URL(productUrl.replace('{slug}', 'x')); } catch { page = null; }
    if (!productUrl.includes('{slug}') || !page || !['http:', 'https:'].includes(page.protocol)) {
      throw new ConfigError('NATTER_VENDURE_PRODUCT_URL must be an http(s) URL with {slug} in it, e.g. https://shop.example/products/{slug}.');
    }
    const shop = createVendureShop({ shopApiUrl, productUrl });
    return { products: [], shop, source: `products live from ${shop.description}` };
  }
  const file = env.NATTER_CATALOGUE || DEMO_CATALOGUE;
  let products;
  try { products = loadCatalogue(file); } catch (error) { throw new ConfigError(`NATTER_CATALOGUE: ${error.message}`); }
  return { products, shop: null, source: `${products.length} products from ${file}` };
}

// `adapterOptions` (tests) are passed to the openai adapter (fetchImpl, sleep).
export function agentFromEnv(env = process.env, { log = console.log, adapterOptions = {} } = {}) {
  const kind = env.NATTER_AGENT || 'scripted';
  if (kind === 'scripted') return { agent: createScriptedAgent(), description: 'scripted (the demo shop)' };
  if (kind === 'webhook') return webhookFromEnv(env);
  if (kind === 'openai') return openAiFromEnv(env, log, adapterOptions);
  throw new ConfigError(`NATTER_AGENT must be scripted, webhook or openai, not ${JSON.stringify(kind)}.`);
}
