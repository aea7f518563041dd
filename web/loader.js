// natter.js: the stable, cacheable loader a shop embeds with
//   <script async src="https://widget.example/natter.js" data-endpoint="https://agent.example"></script>
// A classic script, kept tiny: it defines window.natter, draws the launcher
// at once, and loads the content-hashed core bundle only on the first
// interaction or when the page is idle. The build replaces the placeholder
// with the release manifest ({version, build, env, files}); its paths are
// relative to this script's own URL.
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

  function natter() {
    var args = Array.prototype.slice.call(arguments);
    if (run) return run(args);
    if (args[0] === 'version') return { version: RELEASE.version, build: RELEASE.build };
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
      ':host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000}' +
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

  var launcher = document.createElement('button');
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
  // An async script can run before <body> exists.
  if (document.body) document.body.appendChild(host);
  else document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(host); });

  // Every launcher click goes through the public command, queued or not.
  launcher.addEventListener('click', function () { natter('toggle'); });
  ['pointerdown', 'focus', 'keydown'].forEach(function (type) {
    launcher.addEventListener(type, load, { once: true });
  });

  function load() {
    if (loading) return;
    loading = true;
    if (queue.length) launcher.setAttribute('aria-busy', 'true');
    var core = RELEASE.files.core_js;
    var tag = document.createElement('script');
    tag.src = new URL(core.path, base).href;
    tag.integrity = core.integrity;
    tag.crossOrigin = 'anonymous';
    tag.async = true;
    tag.onerror = function () {
      // Network or integrity failure: report once, let a later interaction retry.
      console.error('[natter] could not load ' + tag.src);
      tag.remove();
      loading = false;
      launcher.removeAttribute('aria-busy');
    };
    document.head.appendChild(tag);
  }

  natter.__boot = function (start) {
    delete natter.__boot; // one boot per page
    var dataset = {};
    for (var key in (script && script.dataset) || {}) dataset[key] = script.dataset[key];
    start({
      root: root, launcher: launcher, manifest: RELEASE, base: base, dataset: dataset,
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
