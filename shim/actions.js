// The shop's actions in its page (docs/commerce.md): natter('action', name,
// spec, handler) declares what the assistant may do here, the declared list
// travels with the page context (key `actions`), and the core's run_action
// effect calls the handler. The core decides whether and when a handler
// runs (wasm/src/chat/actions.hpp: once, after the gateway said "run"); this
// file only keeps the handlers and hands their result back (action_ran).
// A declaration is checked with the gateway's own checker
// (tools/gateway/http/page-context.mjs), so the gateway accepts what the
// page declares; `fits(list)` says whether the list still fits the 8 KiB
// page context, and a declaration that would not is refused, never sent
// and silently lost.
//
//   const actions = createActions({ dispatch, onChange, fits });
//   actions.declare(name, spec | null, handler)   throws on a bad call (host-api logs it)
//   actions.declared()      [{name, description?, confirm, args?}] for the page context
//   actions.has(name)       whether this page can run it
//   actions.run(effect)     run_action -> handler(args, {actionId, retry}) -> action_ran

import { ARG_TYPES, checkContext, CONTEXT_LIMITS } from '../tools/gateway/http/page-context.mjs';

export const ACTION_NAME = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_ACTIONS = CONTEXT_LIMITS.actions;
const MAX_MESSAGE = 200;
const MAX_DATA_BYTES = 2048;

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// The spec as the page context carries it (the gateway's checker's kept
// form, without the name), or an Error naming what is wrong.
function checkSpec(name, spec) {
  if (!isPlainObject(spec)) return new Error('spec must be an object (or null to remove the action)');
  for (const key of Object.keys(spec)) {
    if (!['description', 'confirm', 'args'].includes(key)) return new Error(`spec has an unknown key "${key}"`);
  }
  const { confirm = true } = spec;
  if (typeof confirm !== 'boolean') return new Error('spec.confirm must be a boolean');
  // A JSON Schema's nested objects would be refused as too deep; say what is wanted instead.
  const nested = isPlainObject(spec.args) ? Object.keys(spec.args).find((k) => typeof spec.args[k] === 'object' && spec.args[k] !== null) : undefined;
  if (nested !== undefined) return new Error(`spec.args.${nested} must be one of ${ARG_TYPES.join(', ')}`);
  let checked;
  try {
    checked = checkContext({ actions: [{ name, description: spec.description, confirm, args: spec.args }] });
  } catch {
    checked = { ok: false, message: 'spec cannot be written as JSON.' };
  }
  // "context.actions[0].args.x must be …" said as the shop wrote it: "spec.args.x must be …".
  if (!checked.ok) return new Error(checked.message.replace(/^context\.actions\[0\]\.?/, 'spec.').replace(/\.$/, ''));
  const { name: _, ...kept } = checked.context.actions[0];
  return kept;
}

// A handler's answer as action_ran carries it: anything but {ok: true, …} is a failure.
function resultOf(value) {
  const ok = isPlainObject(value) && value.ok === true;
  const message = isPlainObject(value) && typeof value.message === 'string' ? value.message.slice(0, MAX_MESSAGE) : '';
  const out = { ok, message };
  if (isPlainObject(value) && isPlainObject(value.data)) {
    try {
      const text = JSON.stringify(value.data);
      if (new TextEncoder().encode(text).length <= MAX_DATA_BYTES) out.data = JSON.parse(text);
    } catch { /* not JSON: left out, the result still counts */ }
  }
  return out;
}

const bytes = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

export function createActions({ dispatch, onChange = () => {}, fits = (list) => bytes({ actions: list }) <= CONTEXT_LIMITS.bytes }) {
  const handlers = new Map(); // name -> {spec, handler}

  function declare(name, spec, handler) {
    if (typeof name !== 'string' || !ACTION_NAME.test(name)) {
      throw new Error("natter('action', name, spec, handler): name must be lower_snake_case, 1 to 40 characters");
    }
    if (spec === null) {
      if (handlers.delete(name)) onChange();
      return;
    }
    const checked = checkSpec(name, spec);
    if (checked instanceof Error) throw new Error(`natter('action', '${name}', …): ${checked.message}`);
    if (typeof handler !== 'function') throw new Error(`natter('action', '${name}', …): handler must be a function`);
    if (!handlers.has(name) && handlers.size >= MAX_ACTIONS) {
      throw new Error(`natter('action', '${name}', …): at most ${MAX_ACTIONS} actions per page`);
    }
    const list = [...handlers].map(([n, { spec: s }]) => (n === name ? { name, ...checked } : { name: n, ...s }));
    if (!handlers.has(name)) list.push({ name, ...checked });
    if (!fits(list)) {
      throw new Error(`natter('action', '${name}', …): with it the page context would be over its ${CONTEXT_LIMITS.bytes} bytes as JSON; `
        + 'not declared (shorten the descriptions or args, or declare fewer actions)');
    }
    handlers.set(name, { spec: checked, handler });
    onChange();
  }

  const declared = () => [...handlers].map(([name, { spec }]) => ({ name, ...spec }));
  const has = (name) => handlers.has(name);

  async function run({ action_id, name, args, retry }) {
    const entry = handlers.get(name);
    let result;
    if (!entry) result = { ok: false, message: '' };
    else {
      try {
        result = resultOf(await entry.handler(args, { actionId: action_id, retry: Boolean(retry) }));
      } catch {
        result = { ok: false, message: '' }; // the shop's error text stays in the shop's page
      }
    }
    dispatch({ type: 'action_ran', action_id, ...result });
  }

  return { declare, declared, has, run };
}
