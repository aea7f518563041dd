// The public host API of the Natter widget: the one global, window.natter.
// Commands are queued until the core is ready (calls before that return
// undefined, except 'version' and 'init', which the loader answers itself),
// then run in order. A bad call is reported with one console.error.
// tests/node/types.test.mjs keeps this file in step with shim/host-api.js,
// shim/listeners.js and web/loader.js.

export interface NatterVersion {
  /** Release version (release/v/<version>/); null before the release is resolved. */
  version: string | null;
  /** Build id: a hash over every file of the release. */
  build: string | null;
}

export interface NatterStats {
  messages_sent: number;
  /** Sends dropped because one was already in flight (rapid Enter, double click, held Enter). */
  blocked_sends: number;
  retries: number;
  protocol_errors: number;
  connect_attempts: number;
  sessions_opened: number;
  /** Live-session welcomes after the first. */
  reconnects: number;
  /** Welcomes that could not resume the session. */
  fresh_starts: number;
  voice_calls: number;
  barge_ins: number;
  /** How long the live session has been up on this page, summed over reconnects (ms). */
  session_ms: number;
}

export interface NatterDebug extends NatterVersion {
  conversation_id: string;
  /** Whether natter('identify') named a visitor (the name and email are never in the dump). */
  identified: boolean;
  /** The visitor's id, when one was given. */
  visitor_id?: string;
  /** The core's counters, the ones a shop charts: duplicate sends blocked, reconnects, session length.
   * null when the widget stood aside (invalid configuration): the core never ran. */
  stats: NatterStats | null;
  /** Once a call ran: ms from a captured audio chunk reaching the voice worker to its packets being sent. */
  voice_uplink_ms: { count: number; median: number; p95: number } | null;
  /** Once a call ran: ms from an agent voice packet handed to the voice worker to its arrival there. */
  voice_downlink_ms: { count: number; median: number; p95: number } | null;
  /** The voice ladder's rung (webrtc_direct, turn_udp | turn_tcp | turn_tls, websocket; "" with no call), the data channel's frame counts, and the codec build the call loaded ('simd': WASM SIMD, every current engine; 'scalar': engines without it; null before a call). */
  voice_route: { rung: string; via: 'rtc' | 'websocket'; sent: number; received: number; dropped_full: number; codec: 'simd' | 'scalar' | null } | null;
  log: unknown[];
  /** Only when the configuration was invalid and the widget stood aside: each problem. */
  config_problems?: string[];
}

/**
 * natter('identify', ...): who the logged-in shopper is. Strings, trimmed;
 * at least one key; id 1-128 characters, name up to 100, email up to 254
 * (one '@', a dot in the domain). Other keys are refused. A bad value is
 * reported with one console error naming the key, and changes nothing.
 */
export interface NatterVisitor {
  id?: string;
  name?: string;
  email?: string;
}

/**
 * natter('context', {...}): where the shopper is, as the shop says it
 * (docs/commerce.md; docs/protocol.md "Page and cart context"). Every key is
 * optional and wins over what the widget read from the page. Strings are
 * trimmed, without control characters; ids up to 128 characters, names and
 * titles up to 200; prices decimal strings ("49.99"); currencies ISO 4217;
 * at most 50 basket lines; the whole at most 8 KiB as JSON. Other keys are
 * refused. A bad value is reported with one console error naming the key,
 * and changes nothing. It travels only with the shopper's next message.
 */
export interface NatterContext {
  page?: { path: string; title?: string };
  product?: {
    id?: string; name?: string; sku?: string; brand?: string; price?: string; currency?: string;
    availability?: 'in_stock' | 'out_of_stock' | 'preorder' | 'backorder' | 'limited' | 'discontinued';
    url?: string;
  };
  variant?: { id?: string; name?: string };
  cart?: NatterCart;
  currency?: string;
  locale?: string;
}

/** natter('action', name, spec, handler): how the assistant may offer it. */
export interface NatterActionSpec {
  /** What it does, for the agent (at most 200 characters). */
  description?: string;
  /** Whether the shopper confirms on a card first (default true). */
  confirm?: boolean;
  /** Its arguments, JSON-Schema-like (at most 1 KiB as JSON). */
  args?: Record<string, unknown>;
}
/** Runs the action; its result (message at most 200 characters, data at most 2 KiB as JSON) goes back to the agent. */
export type NatterActionHandler = (args: Record<string, unknown>, meta: { actionId: string; retry: boolean }) =>
  NatterActionResult | Promise<NatterActionResult>;
export interface NatterActionResult { ok: boolean; message?: string; data?: Record<string, unknown> }

/** The basket, as natter('context', {cart}) or the natter('cart', fn) hook gives it. */
export interface NatterCart {
  items: Array<{ id?: string; name?: string; variant?: string; quantity: number; price?: string }>;
  total?: string;
  currency?: string;
}

/**
 * natter('init', {...}) (docs/theming.md): merged in call order, applied at once.
 * Precedence per key: init > <natter-widget> attributes > the script's data-* > defaults.
 * Closed on purpose: an unknown key, a wrong type, a non-http(s) endpoint or a
 * bad enum makes the whole configuration invalid at run time too (one
 * console error, the widget is not shown; shim/config-check.js).
 */
export interface NatterInitOptions {
  /** The agent's origin, an http(s) URL; empty: this page's origin. */
  endpoint?: string;
  transport?: 'http' | 'session';
  /**
   * The shop's own endpoint (http(s), relative allowed; same origin, or CORS
   * with credentials) that returns {"token", "expires_in"} for the current
   * shopper: the widget sends that short-lived token to the agent. No
   * secret belongs in the page (docs/deploying.md).
   */
  tokenUrl?: string;
  /** "off": product cards have no Save toggle and no product_saved events come (default "on"). */
  saveProducts?: 'on' | 'off';
  /**
   * "multiple": several conversations per shopper, with "New conversation"
   * and a list to switch between, each with its own transcript (default
   * "single": one conversation per tab, no list; shared computers exist).
   */
  conversations?: 'single' | 'multiple';
  /**
   * When the widget first reads where the shopper is (path, title, the
   * page's product, the basket hook): "open" (default) once the shopper
   * opens the panel; "page-load" at once. It leaves the page only with a message.
   */
  context?: 'open' | 'page-load';
  /** "on": the page context's path keeps its query and fragment (default "off"). */
  contextQuery?: 'on' | 'off';
  /** Pins a release (channel loaders only). */
  version?: string;
  /** The release channel to follow (channel loaders only). */
  channel?: string;
  accent?: string;
  accentText?: string;
  text?: string;
  /** Number = px, or a px/rem/em length. */
  radius?: number | string;
  fontFamily?: string;
  position?: 'bottom-right' | 'bottom-left';
  offsetX?: number | string;
  offsetY?: number | string;
  launcherLabel?: string;
  agentName?: string;
  greeting?: string;
  title?: string;
  colorScheme?: 'auto' | 'light' | 'dark';
  /** A BCP 47 tag: de, de-AT, ar-EG. */
  locale?: string;
  /** Catalogue overrides, {key: text}. */
  strings?: Record<string, string>;
}

export type NatterMessageEvent =
  | { role: 'user'; message_id: string; text: string }
  | { role: 'agent'; reply_to: string; text: string }
  /** A voice call's transcript, once final: what the shopper said (message_id names its bubble). */
  | { role: 'user'; message_id: string; text: string; voice: true; call_id: string }
  /** What the agent spoke; cut: the shopper interrupted it, text is what it had said. */
  | { role: 'agent'; reply_to: string; text: string; voice: true; call_id: string; cut: boolean };

export interface NatterErrorEvent {
  /** e.g. send_failed, agent_failed, core_failed, or a protocol error code. */
  code: string;
  detail: string;
  message_id?: string;
  reply_to?: string;
  /** core_failed: true when the chat starts again by itself (the first failure on a page), false when it stopped. */
  restarting?: boolean;
}

export interface NatterSendBlockedEvent {
  /** What tried to send. */
  source: 'enter' | 'enter_repeat' | 'click' | 'host';
  /** The message still in flight. */
  message_id: string;
  blocked_sends: number;
}

/** The live session had to start afresh (data-transport="session"). */
export interface NatterSessionEvent { resumed: boolean }

/** Voice call state; "off" when no call is up. */
export interface NatterVoiceEvent {
  state: 'off' | 'requesting_mic' | 'connecting' | 'agent_speaking' | 'listening' | 'user_speaking' | 'ending';
  muted: boolean;
}

/**
 * Who answers the conversation changed (docs/protocol.md, "Handoff to a person"):
 * a person was asked for (position in the queue, when the server said), a person
 * from the shop took over (name), the assistant is back, nobody is available, or the
 * email the shopper left then (the panel's form) was kept for staff.
 */
export interface NatterHandoffEvent {
  state: 'waiting' | 'person' | 'ai' | 'unavailable' | 'email_saved';
  name?: string;
  position?: number;
}

/**
 * The shopper saved (product_saved) or unsaved (product_unsaved) a product
 * card: the product as the agent gave it. The shop keeps the wishlist.
 */
export interface NatterProductEvent {
  id: string;
  title: string;
  url: string;
  /** The decimal string the agent sent, e.g. "59.99". */
  price: string;
  /** ISO 4217, e.g. "GBP". */
  currency: string;
}

export type NatterEmpty = Record<string, never>;

export interface NatterEvents {
  message: NatterMessageEvent;
  error: NatterErrorEvent;
  send_blocked: NatterSendBlockedEvent;
  open: NatterEmpty;
  close: NatterEmpty;
  session: NatterSessionEvent;
  voice: NatterVoiceEvent;
  handoff: NatterHandoffEvent;
  product_saved: NatterProductEvent;
  product_unsaved: NatterProductEvent;
}

export type NatterEventName = keyof NatterEvents;
export type NatterListener<K extends NatterEventName> = (payload: NatterEvents[K]) => void;

export interface Natter {
  (command: 'open' | 'close' | 'toggle'): void;
  /** Ends the live session; opening the panel reconnects. A no-op over HTTP. */
  (command: 'disconnect'): void;
  /** Starts a voice call (asks for the microphone), or ends it. Only 'end' or the End control end a call. */
  (command: 'voice', action: 'start' | 'end'): void;
  /** Asks for a person from the shop (live session only); the answer comes as 'handoff' events. */
  (command: 'handoff'): void;
  /** Sends as if typed; the core may block it (send_blocked) while one is in flight. */
  (command: 'send', text: string): void;
  /** This page's first questions (at most 4, 1 to 40 characters each), shown as chips while the conversation is empty; [] takes them away. */
  (command: 'starters', prompts: string[]): void;
  /** Names the logged-in shopper to the agent (kept on the shop's next pages); null forgets (logout). */
  (command: 'identify', visitor: NatterVisitor | null): void;
  /** Where the shopper is (product, variant, cart, currency, locale), over what the page shows; null forgets it. */
  (command: 'context', context: NatterContext | null): void;
  /**
   * The basket hook: the widget calls it when it reads the page context (the
   * panel opened, a navigation, after each agent reply); it returns or
   * resolves to the basket (undefined: none). null removes it.
   */
  (command: 'cart', hook: (() => NatterCart | undefined | Promise<NatterCart | undefined>) | null): void;
  /**
   * What the assistant may do in this page (at most 16; name lower_snake_case,
   * 1 to 40 characters), told to the agent in the page context. The handler
   * runs once the shopper confirmed the widget's card (unless confirm is
   * false) and the chat service said this page runs it: once per action,
   * whatever the taps, retries, reloads and tabs. null removes it.
   */
  (command: 'action', name: string, spec: NatterActionSpec | null, handler?: NatterActionHandler): void;
  <K extends NatterEventName>(command: 'on' | 'off', event: K, listener: NatterListener<K>): void;
  /** The release actually running (before the core runs: the one it will run). */
  (command: 'version'): NatterVersion;
  /** undefined while the call is queued. */
  (command: 'debug'): NatterDebug | undefined;
  /** Shows or hides the debug panel (development and staging builds; production: false). */
  (command: 'debug', what: 'panel'): boolean | undefined;
  (command: 'init', options: NatterInitOptions): void;
  /** The inline stub's queue (adopted by the loader). */
  q?: IArguments[] | unknown[][];
}

declare global {
  interface Window { natter: Natter }
  var natter: Natter;
}
