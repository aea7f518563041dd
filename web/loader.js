// natter.js: the stable, cacheable loader a shop embeds with
//   <script async src="https://widget.example/natter.js" data-endpoint="https://agent.example"></script>
// or, the element form (docs/theming.md, "The <natter-widget> element"),
//   <script async src="https://widget.example/natter.js"></script>
//   <natter-widget endpoint="https://agent.example" accent="#0a7"></natter-widget>
// A classic script once built (tools/bundle/build.mjs bundles this module
// and its imports into one minified IIFE), kept under 2 KiB gzipped: it
// defines window.natter and <natter-widget>, draws the launcher at once in
// the host, and loads the content-hashed core bundle only when the shopper
// shows intent, or as a preload on an idle page with a fast connection
// (docs/decisions/0005-core-loaded-on-intent.md). Everything
// else (checking the configuration: shim/config-check.js, the full theme,
// languages, the panel) is the core bundle's job: the budget has no room.
//
// The build replaces the placeholder with one of two things:
//   a release {version, build, files: {core_js}}: this loader belongs to
//     that release (dist/natter.js, release/v/<version>/natter.js); paths
//     are relative to this script's own URL. The core bundle carries the
//     rest of the manifest (shim/release-files.js).
//   a channel pointer {channel: "latest"} (release/natter.js, see
//     docs/deploying.md): the release is resolved when the core is first
//     needed (web/loader/resolve-release.js: a pin, else the channel). One
//     page, one release: the manifest is resolved once and never mixed.
// __NATTER_FOLLOWS_CHANNEL__ (an esbuild define) says which, so a release's
// own loader does not carry the resolution code.
//
// The ONE global, window.natter, is a command function. Until the core is
// ready, calls are queued (adopting natter.q from the shop's inline stub:
// window.natter=window.natter||function(){(natter.q=natter.q||[]).push(arguments)}).
//
// Handshake (see shim/boot.js): the core bundle calls natter.__boot(start);
// this loader calls start(ctx) with ctx = {root, launcher, manifest, base,
// dataset, init, attach} (manifest.channel: the pointer URL a channel-
// following page resolved; absent when pinned: such a page never reloads
// for a release); root.host is the <natter-widget> (its attributes
// are read by the core). The bundle calls ctx.attach(run) when it is ready; from
// then on natter(...) returns run(args), and the queue is replayed through
// run first, in order. The function object itself never changes, so a shop
// holding a reference to it keeps working.
import { resolveRelease } from './loader/resolve-release.js';
import { drawLauncher } from './loader/launcher.js';

/* global __NATTER_FOLLOWS_CHANNEL__ */
var RELEASE = __NATTER_RELEASE__;
// The commands that show intent (the launcher's click is 'toggle'): queued
// others ('on', 'identify', ...) wait for the core without loading it.
var INTENT = /^(open|send|toggle)$/;

// In parentheses, called at once: V8 compiles it with the script instead of
// pre-parsing it then and parsing it again at the call (0.2 ms median before
// its first statement ran, in headless Chromium on the bench storefront).
(function main() {
  var existing = window.natter;
  if (existing?.__loaded) return; // a second tag: one widget, not two
  var script = document.currentScript || document.querySelector('script[data-endpoint]');
  var base = script?.src || location.href;
  var queue = existing?.q || [];
  var run = null;
  var loading = false;
  var data = script?.dataset || {};
  var manifest = __NATTER_FOLLOWS_CHANNEL__ ? null : RELEASE; // null until resolved
  var fileBase = base; // where manifest paths are resolved
  // natter('init', {...}) (docs/theming.md): merged in call order, never
  // queued, never a reason to load the core; the core gets the merged
  // object as ctx.init (and later ones through run).
  var init = {};
  var widget = null;
  var launcher;

  function takeInit(options) {
    for (var k in options) init[k] = options[k];
    if (widget) widget.theme();
  }

  function natter(...args) {
    if (run) return run(args);
    // Nothing runs yet: the release this page will run, once it is known.
    if (args[0] == 'version') return { version: manifest?.version, build: manifest?.build };
    if (args[0] == 'init') return takeInit(args[1]);
    queue.push(args);
    if (INTENT.test(args[0])) load();
  }
  natter.__loaded = true;
  window.natter = natter;

  // A continue link opened on this device (#natter-continue=…, the widget
  // takes and strips it: shim/continue/fragment.js) is intent: open the chat.
  // Read off document.URL (the fragment starts at its first #): the first
  // use of location's bindings cost the launcher's paint about 0.1 ms.
  if (/^[^#]*#natter-continue=/.test(document.URL)) queue.push(['open']);
  // The stub's init calls: taken now (the launcher needs them), not replayed.
  for (var q = 0; q < queue.length; q++) {
    if (queue[q][0] == 'init') takeInit(queue.splice(q--, 1)[0][1]);
  }

  // The first <natter-widget> connected becomes the widget's host: the
  // shop's element (docs/theming.md, "The <natter-widget> element"), even
  // one a single-page app inserts later, or the loader's own for a script
  // tag with data-endpoint. Any later one is ignored, with one warning.
  function adopt(el) {
    // The parser reached the shop's own element after the snippet drew its
    // host: the shop's wins, silently, as long as the core has not booted.
    if (widget && own && natter.__boot && document.readyState == 'loading') {
      own.remove();
      widget = own = null;
    }
    if (widget) {
      if (el != widget.host) console.warn('[natter] extra <natter-widget> ignored');
      return;
    }
    widget = drawLauncher(el, init, data); // themed and lifted
    // Every launcher click goes through the public command, queued or not.
    launcher = widget.launcher;
    launcher.addEventListener('click', () => natter('toggle'));
    // Intent: every one (load() returns early while loading): after a
    // failure the next interaction retries. Touch fires pointerover before
    // its press; a key needs focus first. A script made by createElement
    // is async already (inject).
    // (Two calls: 8 B smaller gzipped than a loop over the two types.)
    launcher.addEventListener('pointerover', load);
    launcher.addEventListener('focus', load);
    // Preload, so the first click opens at once: only once the page has
    // loaded and is idle, an idle period of over 40 ms (no timeout: a busy
    // page, whose idle periods are the few ms between its tasks, never
    // preloads; no requestIdleCallback, as in Safari: intent only), and
    // never on a Save-Data or slow connection.
    // Decided at the load, not here: navigator and requestIdleCallback are
    // first touched then, off the launcher's first paint (their bindings cost
    // 0.3 ms on first use in headless Chromium).
    var idle = () => requestIdleCallback((d) => d.timeRemaining() > 40 ? load() : idle());
    var preload = () => {
      var net = navigator.connection || {};
      if (window.requestIdleCallback && !net.saveData && !/2g|3g/.test(net.effectiveType)) idle();
    };
    if (document.readyState == 'complete') preload();
    else addEventListener('load', preload);
    if (queue.some((args) => INTENT.test(args[0]))) load();
  }
  customElements.define('natter-widget', class extends HTMLElement {
    connectedCallback() { adopt(this); }
  });
  // The snippet form draws its own host at once, so the launcher is in the
  // page's first paint; into <body> once it exists (an async script can run
  // before). A <natter-widget> in the page's HTML still wins (adopt).
  var own;
  function drawOwn() {
    if (!widget) document.body.appendChild(own = document.createElement('natter-widget'));
  }
  if (data.endpoint != null) {
    if (document.body) drawOwn();
    else document.addEventListener('DOMContentLoaded', drawOwn);
  }

  function failed(what) {
    // Report once, let a later interaction retry.
    console.error('[natter] ' + what);
    loading = false;
    launcher.removeAttribute('aria-busy');
  }

  function load() {
    if (loading || !widget) return; // no host yet: the element's arrival loads
    loading = true;
    if (queue.length) launcher.setAttribute('aria-busy', 'true');
    // A release's own loader loads at once; a channel loader resolves first.
    if (!__NATTER_FOLLOWS_CHANNEL__) inject(manifest);
    else if (manifest) inject(manifest);
    else {
      resolveRelease(base, widget.pick('version'), widget.pick('channel') || RELEASE.channel).then((r) => {
        fileBase = r.dir;
        inject(manifest = r.manifest);
      }, (err) => failed('no release to load: ' + err.message));
    }
  }

  function inject(m) {
    var core = m.files.core_js;
    var tag = document.createElement('script');
    tag.src = new URL(core.path, fileBase).href;
    tag.integrity = core.integrity;
    tag.crossOrigin = ''; // the empty keyword is "anonymous" (SRI needs CORS)
    tag.onerror = () => { tag.remove(); failed('could not load ' + tag.src); };
    document.head.appendChild(tag);
  }

  natter.__boot = (start) => {
    delete natter.__boot; // one boot per page
    start({
      root: widget.root, launcher: launcher, manifest: manifest, base: fileBase, dataset: { ...data }, init,
      attach: (handler) => {
        run = handler;
        launcher.removeAttribute('aria-busy');
        while (queue.length) run([...queue.shift()]);
      }
    });
  };

})();
