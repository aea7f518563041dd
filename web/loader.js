// natter.js: the stable, cacheable loader a shop embeds with
//   <script async src="https://widget.example/natter.js" data-endpoint="https://agent.example"></script>
// A classic script, kept tiny: it defines window.natter, draws the launcher
// at once, and loads the content-hashed core bundle only on the first
// interaction or when the page is idle.
//
// The build replaces the placeholder with one of two things:
//   a release manifest {version, build, env, files}: this loader belongs to
//     that release (dist/natter.js, release/v/<version>/natter.js); file paths
//     are relative to this script's own URL.
//   a channel pointer {channel: "latest"} (release/natter.js, see
//     docs/deploying.md): the release is resolved when the core is first
//     needed, from data-version="1.4.2" or ?v=1.4.2 on the script URL (a pin),
//     else from channels/<data-channel or channel>.json; then
//     v/<version>/manifest.json is fetched and every file comes from
//     v/<version>/ with that manifest's SRI hashes. One page, one release:
//     the manifest is resolved once and never mixed with another.
//
// The ONE global, window.natter, is a command function. Until the core is
// ready, calls are queued (adopting natter.q from the shop's inline stub:
// window.natter=window.natter||function(){(natter.q=natter.q||[]).push(arguments)}).
//
// Handshake (see shim/boot.js): the core bundle calls natter.__boot(start);
// this loader calls start(ctx) with ctx = {root, launcher, manifest, base,
// dataset, attach}. The bundle calls ctx.attach(run) when it is ready; from
// then on natter(...) returns run(args), and the queue is replayed through
// run first, in order. The function object itself never changes, so a shop
// holding a reference to it keeps working.
(function () {
  'use strict';
  var existing = window.natter;
  if (existing && existing.__loaded) return; // a second tag: one widget, not two
  var RELEASE = __NATTER_RELEASE__;
  var script = document.currentScript || document.querySelector('script[data-endpoint]');
  var base = (script && script.src) || location.href;
  var queue = (existing && existing.q) || [];
  var run = null;
  var loading = false;
  var data = (script && script.dataset) || {};
  var manifest = RELEASE.files ? RELEASE : null; // null until resolved
  var fileBase = base; // where manifest paths are resolved
  // natter('init', {...}) (docs/theming.md): merged in call order, never
  // queued, never a reason to load the core; the core gets the merged
  // object as ctx.init. Until the core's theme sheet replaces them, the
  // launcher takes accent colours and place (init over data-*) as custom
  // properties on the host: CSSOM, so CSP-safe, and a custom property
  // cannot carry anything but its own value.
  var init = {};
  var launcher = null;
  function takeInit(options) {
    for (var k in options) init[k] = options[k];
    if (launcher) themeLauncher();
  }
  for (var q = 0; q < queue.length; q++) {
    if (queue[q][0] === 'init') { takeInit(queue[q][1]); queue.splice(q--, 1); }
  }

  function natter() {
    var args = Array.prototype.slice.call(arguments);
    if (run) return run(args);
    // Nothing runs yet: the release this page will run, once it is known.
    if (args[0] === 'version') return { version: manifest && manifest.version, build: manifest && manifest.build };
    if (args[0] === 'init') return takeInit(args[1]);
    queue.push(args);
    load();
  }
  natter.q = queue;
  natter.__loaded = true;
  window.natter = natter;

  // The launcher, in a shadow root so the shop's CSS cannot reach it (open,
  // so tests and devtools can). Styles come from an adopted constructable
  // sheet: strict CSP (style-src 'self') forbids <style> and style="".
  var host = document.createElement('natter-widget');
  var root = host.attachShadow({ mode: 'open' });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(
            // !important: a page's `* { all: unset !important }` would otherwise
      // win over :host; important declarations from inside the shadow tree
      // beat the page's. Top z-index, and the host comes last in <body>.
      ':host{all:initial!important;position:fixed!important;left:var(--natter-left,auto)!important;' +
      'right:var(--natter-right,20px)!important;bottom:var(--natter-bottom,20px)!important;' +
      'z-index:2147483647!important}' +
      '.launcher{display:grid;place-items:center;width:56px;height:56px;padding:0;border:0;border-radius:50%;' +
      'background:var(--natter-accent,#2557d6);color:var(--natter-accent-ink,#fff);cursor:pointer;' +
      'box-shadow:0 6px 20px rgba(16,24,40,.28);transition:transform .15s}' +
      '.launcher:hover{transform:scale(1.06)}' +
      '.launcher:focus-visible{outline:3px solid var(--natter-focus,#1a56db);outline-offset:3px}' +
      '.launcher svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linejoin:round}' +
      '.launcher[aria-busy=true]{cursor:progress;opacity:.85}' +
      '@media (prefers-reduced-motion:reduce){.launcher{transition:none}}'
    );
    root.adoptedStyleSheets = [sheet];
  } catch (e) { /* no constructable sheets: an unstyled but working button */ }

  launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('part', 'launcher');
  launcher.setAttribute('aria-label', 'Open chat');
  launcher.setAttribute('aria-expanded', 'false');
  var ns = 'http://www.w3.org/2000/svg';
  var svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  var path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M4 5h16v11H9l-5 4z');
  svg.appendChild(path);
  launcher.appendChild(svg);
  root.appendChild(launcher);
  themeLauncher();

  function themeLauncher() {
    var pick = function (k) { return init[k] != null ? init[k] : data[k]; };
    var left = pick('position') === 'bottom-left';
    var set = function (name, value) { if (value) host.style.setProperty('--natter-' + name, value); };
    set('accent', pick('accent'));
    set('accent-ink', pick('accentText'));
    set(left ? 'left' : 'right', pick('offsetX') == null ? left && '20px' : pick('offsetX') + 'px');
    if (left) set('right', 'auto');
    set('bottom', pick('offsetY') == null ? '' : pick('offsetY') + 'px');
    if (pick('launcherLabel')) launcher.setAttribute('aria-label', pick('launcherLabel'));
  }

  // An async script can run before <body> exists.
  if (document.body) document.body.appendChild(host);
  else document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(host); });

  // Every launcher click goes through the public command, queued or not.
  launcher.addEventListener('click', function () { natter('toggle'); });
  ['pointerdown', 'focus', 'keydown'].forEach(function (type) {
    launcher.addEventListener(type, load, { once: true });
  });

  // Resolves the release manifest once per page (see the header).
  var NAME = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;
  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
      return r.json();
    });
  }
  function resolve() {
    var pin = data.version || new URL(base).searchParams.get('v');
    var channel = data.channel || RELEASE.channel;
    return (pin ? Promise.resolve({ version: pin }) : NAME.test(channel)
      ? getJson(new URL('channels/' + channel + '.json', base).href)
      : Promise.reject(new Error('bad channel ' + channel))
    ).then(function (c) {
      if (!NAME.test(c.version)) throw new Error('bad version ' + c.version);
      var dir = new URL('v/' + c.version + '/', base).href;
      return getJson(dir + 'manifest.json').then(function (m) {
        fileBase = dir;
        return (manifest = m);
      });
    });
  }

  function failed(what) {
    // Report once, let a later interaction retry.
    console.error('[natter] ' + what);
    loading = false;
    launcher.removeAttribute('aria-busy');
  }

  function load() {
    if (loading) return;
    loading = true;
    if (queue.length) launcher.setAttribute('aria-busy', 'true');
    // A known manifest loads at once; a channel or pin is resolved first.
    if (manifest) inject(manifest);
    else resolve().then(inject, function (err) { failed('could not find the release to load: ' + err.message); });
  }

  function inject(m) {
    var core = m.files.core_js;
    var tag = document.createElement('script');
    tag.src = new URL(core.path, fileBase).href;
    tag.integrity = core.integrity;
    tag.crossOrigin = 'anonymous';
    tag.async = true;
    tag.onerror = function () { tag.remove(); failed('could not load ' + tag.src); };
    document.head.appendChild(tag);
  }

  natter.__boot = function (start) {
    delete natter.__boot; // one boot per page
    var dataset = {};
    for (var key in data) dataset[key] = data[key];
    start({
      root: root, launcher: launcher, manifest: manifest, base: fileBase, dataset: dataset, init: init,
      attach: function (handler) {
        run = handler;
        launcher.removeAttribute('aria-busy');
        while (queue.length) run(Array.prototype.slice.call(queue.shift()));
      }
    });
  };

  // Idle preload so the first click opens at once; the timeout covers
  // browsers without requestIdleCallback (Safari).
  if (window.requestIdleCallback) requestIdleCallback(load, { timeout: 5000 });
  else setTimeout(load, 2000);
  if (queue.length) load();
})();
