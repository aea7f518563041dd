// The debug panel of development and staging builds (boot.js creates it only
// when __NATTER_ENV__ is not 'production', so esbuild drops this file from
// production bundles): what a shop's developer needs while wiring the
// widget in, inside the chat panel.
//
//   state     the status line's state and code, the voice call, transport,
//             release, conversation id
//   counters  the core's stats (blocked sends, reconnects, …)
//   events    the last 50 core events: when (s since start), how long the
//             core and the effects took (ms), and which effects came back
//
// It only observes: tap(event, run) times a dispatch, effects(runEffect)
// wraps the effect runner to see what the core asked for. Opened with
// natter('debug', 'panel'); the DOM is built on first open and refreshed at
// most every 250 ms while open. English only: it is for developers.

import { el } from './dom.js';

const MAX_EVENTS = 50;
const REFRESH_MS = 250;

const CSS = '.debug{margin:0;padding:6px 10px;max-height:45%;overflow:auto;border-bottom:1px solid #444;'
  + 'background:#15171c;color:#e8e8e8;font:11px/1.45 ui-monospace,Menlo,Consolas,monospace}'
  + '.debug h3{margin:6px 0 2px;font:inherit;font-weight:700;color:#9cc1ff}'
  + '.debug dl{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;margin:0}'
  + '.debug dd{margin:0;overflow-wrap:anywhere}.debug ol{margin:0;padding:0;list-style:none}'
  + '.debug li{white-space:pre-wrap;overflow-wrap:anywhere}';

// parent: the chat panel (section.panel); before: the node the panel goes
// in front of; info(): {transport, version, build, conversation_id};
// stats(): the core's stats object; now(): ms (performance.now).
export function createDebugPanel({ doc, root, parent, before, info, stats, now, setTimeout }) {
  const startedAt = now();
  const events = [];
  const state = { status: '—', voice: 'off', voiceRung: '—' };
  let view = null;
  let pending = false;

  function record(entry) {
    events.push(entry);
    if (events.length > MAX_EVENTS) events.shift();
    refreshSoon();
  }

  // Runs one dispatch (run) and records the event with its timing.
  function tap(event, run) {
    const t0 = now();
    const ran = run();
    record({
      at: (t0 - startedAt) / 1000,
      type: event.type,
      ms: now() - t0,
      // null: a core in the frame answers later (shim/frame/)
      effects: ran === null ? null : ran.map((e) => e.type),
    });
    return ran;
  }

  function effects(runEffect) {
    return (effect) => {
      if (effect.type === 'status_changed') state.status = `${effect.state} (${effect.code || '—'})`;
      if (effect.type === 'voice_state_changed') state.voice = effect.state + (effect.muted ? ', muted' : '');
      if (effect.type === 'voice_route') state.voiceRung = effect.rung || '—';
      runEffect(effect);
    };
  }

  function build() {
    try {
      const sheet = new doc.defaultView.CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    } catch { /* unstyled, still readable */ }
    const section = el(doc, 'section', { class: 'debug', part: 'debug', 'aria-label': 'Natter debug' });
    section.hidden = true; // toggle() shows it
    const facts = el(doc, 'dl', {});
    const counters = el(doc, 'dl', {});
    const list = el(doc, 'ol', {});
    section.append(el(doc, 'h3', {}, 'State'), facts, el(doc, 'h3', {}, 'Counters'), counters,
      el(doc, 'h3', {}, `Last ${MAX_EVENTS} events (s, core+effects ms, effects)`), list);
    parent.insertBefore(section, before);
    return { section, facts, counters, list };
  }

  function fill(dl, pairs) {
    dl.replaceChildren(...pairs.flatMap(([k, v]) => [el(doc, 'dt', {}, k), el(doc, 'dd', {}, String(v))]));
  }

  function refresh() {
    pending = false;
    if (!view || view.section.hidden) return;
    const i = info();
    fill(view.facts, [
      ['status', state.status], ['voice', state.voice], ['voice rung', state.voiceRung], ['transport', i.transport],
      ['release', `${i.version} (${i.build})`], ['conversation', i.conversation_id],
    ]);
    fill(view.counters, Object.entries(stats()));
    view.list.replaceChildren(...events.slice().reverse().map((e) => el(doc, 'li', {},
      `${e.at.toFixed(2).padStart(8)}  ${e.type}  ${e.ms.toFixed(1)} ms  `
      + (e.effects === null ? '(frame)' : `→ ${e.effects.join(', ') || 'nothing'}`))));
  }

  function refreshSoon() {
    if (pending || !view || view.section.hidden) return;
    pending = true;
    setTimeout(refresh, REFRESH_MS);
  }

  // Shows or hides the panel; returns whether it is shown.
  function toggle(show) {
    view = view || build();
    view.section.hidden = show === undefined ? !view.section.hidden : !show;
    refresh();
    return !view.section.hidden;
  }

  return { tap, effects, toggle, shown: () => Boolean(view && !view.section.hidden) };
}
