// What the widget does with an invalid configuration (shim/config-check.js):
// it gets out of the way instead of half working. One console.error names
// the bad keys; the launcher the loader drew is removed (the host element
// stays, empty, sizeless and out of the top layer: a shop's <natter-widget> may belong to its
// framework, which would fail to remove it later);
// nothing connects; natter(...) calls become no-ops, except 'version' and
// 'debug', which still answer (debug lists the problems).
//
//   standAside({ ctx, problems, console })   ctx: the loader's handshake

import { configError } from './config-check.js';

export function standAside({ ctx, problems, console }) {
  console.error(configError(problems));
  ctx.root.replaceChildren();
  ctx.root.adoptedStyleSheets = [];
  // Out of the top layer the loader lifted it into: a shown popover without
  // our sheet would be drawn as the browser's default popover box.
  const host = ctx.root.host;
  if (host.matches?.(':popover-open')) host.hidePopover();
  host.removeAttribute?.('popover');
  const version = () => ({ version: ctx.manifest.version, build: ctx.manifest.build });
  const answers = {
    version,
    // The dump's shape (types/natter.d.ts NatterDebug); nothing ran, so no
    // counters rather than made-up zeros.
    debug: () => ({
      ...version(),
      conversation_id: '',
      identified: false,
      stats: null,
      voice_uplink_ms: null,
      voice_downlink_ms: null,
      log: [],
      config_problems: [...problems],
    }),
  };
  // The queue is replayed through this too: every queued call is dropped.
  ctx.attach((args) => (Object.prototype.hasOwnProperty.call(answers, args[0]) ? answers[args[0]]() : undefined));
}
