// Forwards what the browser says about the network and the page's
// visibility to the core, which decides what they mean for the live
// session (docs/boundary.md, events network_changed and
// visibility_changed):
//
//   window   online / offline            -> network_changed {online, link}
//   navigator.connection change          -> network_changed {online, link, link_change: true}
//   document visibilitychange            -> visibility_changed {visible: visibilityState === 'visible'}
//   window   pageshow (persisted only)   -> visibility_changed {visible: …the same…}
//   window   pagehide                    -> visibility_changed {visible: false}
//   document freeze                      -> visibility_changed {visible: false}
//   document resume                      -> visibility_changed {visible: …the same…}
//
// start() dispatches the current values once (navigator.onLine, then the
// visibility), then listens; dispose() removes every listener. `link` is
// navigator.connection.type ('' where the browser has none: only Chromium on
// Android and ChromeOS tells it); the core decides whether a connection
// change is a new network (it fires for speed estimates too). A pageshow
// that is not persisted is the first load, already covered by start().
// Nothing is filtered or debounced: a repeated value is the core's to ignore.

export function createBrowserSignals({ win, doc, dispatch }) {
  const visible = () => doc.visibilityState === 'visible';
  const online = () => win.navigator?.onLine !== false; // unknown: assume online
  const connection = win.navigator?.connection;
  const link = () => String(connection?.type ?? '');
  const network = () => dispatch({ type: 'network_changed', online: online(), link: link() });
  const visibility = (value) => dispatch({ type: 'visibility_changed', visible: value });

  const bindings = [
    [win, 'online', () => dispatch({ type: 'network_changed', online: true, link: link() })],
    [win, 'offline', () => dispatch({ type: 'network_changed', online: false, link: link() })],
    [doc, 'visibilitychange', () => visibility(visible())],
    [win, 'pageshow', (e) => { if (e.persisted) visibility(visible()); }],
    [win, 'pagehide', () => visibility(false)],
    [doc, 'freeze', () => visibility(false)],
    [doc, 'resume', () => visibility(visible())],
  ];
  if (connection?.addEventListener) {
    bindings.push([connection, 'change', () => dispatch({ type: 'network_changed', online: online(), link: link(), link_change: true })]);
  }
  let started = false;

  function start() {
    if (started) return;
    started = true;
    network();
    visibility(visible());
    for (const [target, type, fn] of bindings) target.addEventListener(type, fn);
  }

  function dispose() {
    if (!started) return;
    started = false;
    for (const [target, type, fn] of bindings) target.removeEventListener(type, fn);
  }

  return { start, dispose };
}
