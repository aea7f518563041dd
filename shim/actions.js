// The shop's actions in its page (docs/commerce.md): natter('action', name,
// spec, handler) declares what the assistant may do here, the declared list
// travels with the page context (key `actions`), and the core's run_action
// effect calls the handler. The core decides whether and when a handler
// runs (wasm/src/chat/actions.hpp: once, after the gateway said "run"); this
// file only keeps the handlers and hands their result back (action_ran).
//
//   const actions = createActions({ dispatch, onChange });
//   actions.declare(name, spec | null, handler)   throws on a bad call (host-api logs it)
//   actions.declared()      [{name, description?, confirm}] for the page context
//   actions.has(name)       whether this page can run it
//   actions.run(effect)     run_action -> handler(args, {actionId, retry}) -> action_ran

export const ACTION_NAME = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_ACTIONS = 16;
const MAX_DESCRIPTION = 200;
const MAX_ARGS_SCHEMA_BYTES = 1024;
const MAX_MESSAGE = 200;
const MAX_DATA_BYTES = 2048;

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// The spec as the page context carries it, or an Error naming what is wrong.
function checkSpec(spec) {
  if (!isPlainObject(spec)) return new Error('spec must be an object (or null to remove the action)');
  for (const key of Object.keys(spec)) {
    if (!['description', 'confirm', 'args'].includes(key)) return new Error(`spec has an unknown key "${key}"`);
  }
  const { description, confirm = true, args } = spec;
  if (description !== undefined && (typeof description !== 'string' || description.length > MAX_DESCRIPTION)) {
    return new Error(`spec.description must be a string of at most ${MAX_DESCRIPTION} characters`);
  }
  if (typeof confirm !== 'boolean') return new Error('spec.confirm must be a boolean');
  if (args !== undefined) {
    let text;
    try { text = JSON.stringify(args); } catch { text = null; }
    if (!isPlainObject(args) || !text || new TextEncoder().encode(text).length > MAX_ARGS_SCHEMA_BYTES) {
      return new Error(`spec.args must be an object of at most ${MAX_ARGS_SCHEMA_BYTES} bytes as JSON`);
    }
  }
  return { ...(description ? { description } : {}), confirm };
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

export function createActions({ dispatch, onChange = () => {} }) {
  const handlers = new Map(); // name -> {spec, handler}

  function declare(name, spec, handler) {
    if (typeof name !== 'string' || !ACTION_NAME.test(name)) {
      throw new Error("natter('action', name, spec, handler): name must be lower_snake_case, 1 to 40 characters");
    }
    if (spec === null) {
      if (handlers.delete(name)) onChange();
      return;
    }
    const checked = checkSpec(spec);
    if (checked instanceof Error) throw new Error(`natter('action', '${name}', …): ${checked.message}`);
    if (typeof handler !== 'function') throw new Error(`natter('action', '${name}', …): handler must be a function`);
    if (!handlers.has(name) && handlers.size >= MAX_ACTIONS) {
      throw new Error(`natter('action', '${name}', …): at most ${MAX_ACTIONS} actions per page`);
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
