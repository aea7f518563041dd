// The launcher the loader draws at once: a button in a shadow root so the
// shop's CSS cannot reach it (open, so tests and devtools can). Styles come
// from an adopted constructable sheet: strict CSP (style-src 'self') forbids
// <style> and style="". Until the core bundle's theme sheet replaces them,
// the launcher takes its accent colours and place (init over data-*) as
// custom properties on the host, set through the CSSOM: a custom property
// cannot carry anything but its own value. Hover motion and the focus ring
// come with the core's panel sheet (shim/ui/styles.js): a focus loads it.

// host: the <natter-widget> element, connected (the shop's, or the one the
// loader appended to <body>). Lifted into the top layer as a manual popover,
// out of the page's stacking contexts: a shop's element in a clipped or
// buried container would otherwise hide the launcher, and with it the
// intent that loads the core (Safari has no idle preload). Without
// popovers: fixed, top z-index (shim/top-layer.js lifts again for loaders
// of older releases).
// init: the merged natter('init') options, data: the script's data-*
// (both read again at every theme()). Returns {host, root, launcher,
// theme(), pick(name)}: pick is an option's value, init over the host's
// attribute (the dashed name) over data-*.
export function drawLauncher(host, init, data) {
  var root = host.attachShadow({ mode: 'open' });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(
      // !important: a page's `* { all: unset !important }` would otherwise
      // win over :host; important declarations from inside the shadow tree
      // beat the page's. Top z-index, and the host comes last in <body>.
      // No ::backdrop: the top layer gives the host a transparent box over
      // the whole viewport, which a page's own `::backdrop` rule (meant for
      // its dialogs) would paint over the page behind the launcher; it also
      // cost the first frame about 0.5 ms of style in headless Chromium.
      // (--natter-left has no fallback: unset, the var() leaves left auto.)
      ':host{all:initial!important;position:fixed!important;left:var(--natter-left)!important;' +
      'right:var(--natter-right,20px)!important;bottom:var(--natter-bottom,20px)!important;' +
      'z-index:2147483647!important}:host::backdrop{display:none!important}' +
      '.launcher{display:grid;place-items:center;width:56px;height:56px;padding:0;border:0;border-radius:50%;' +
      'background:var(--natter-accent,#2557d6);color:var(--natter-accent-ink,#fff);cursor:pointer;' +
      'box-shadow:0 6px 20px #10182847}' +
      // The icon: a speech bubble's outline, the stroke of the 24-unit path
      // M4 5h16v11H9l-5 4z (width 2, round joins) as the outer and inner
      // edge of a clip path, scaled to 26 px, in the ink colour: a border,
      // whose colour forced colours (Windows' high contrast) turn into the
      // button's text colour, where a background would vanish into the button.
      '.launcher i{border:12px solid;scale:1.08;clip-path:path(evenodd,' +
      '"M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9.35l-4.7 3.8a1 1 0 0 1-1.65-.8V5a1 1 0 0 1 1-1z' +
      'm1 2v11.9l3.4-2.7a1 1 0 0 1 .6-.2h10V6z")}' +
      '.launcher[aria-busy=true]{cursor:progress;opacity:.85}'
    );
    root.adoptedStyleSheets = [sheet];
  } catch (e) { /* no constructable sheets: an unstyled but working button */ }
  // No type=button: in a shadow root a button has no form owner (that is
  // looked up in its own tree), so a host inside a shop's <form> submits nothing.
  var launcher = document.createElement('button');
  launcher.className = 'launcher';
  launcher.part = 'launcher'; // DOMTokenList: sets the attribute
  launcher.setAttribute('aria-label', 'Open chat');
  launcher.setAttribute('aria-expanded', 'false');
  // The icon is a plain element, not an <svg>: the first SVG elements'
  // bindings, style and paint took about 2 ms of the main thread before the
  // first paint (traced in headless Chromium, median of 150 loads of a bare
  // page); a ::before would lay out an empty line of text instead (+0.8 ms).
  launcher.appendChild(document.createElement('i'));
  root.appendChild(launcher);

  var pick = (k) => init[k] ?? host.getAttribute(k.replace(/[A-Z]/g, '-$&').toLowerCase()) ?? data[k];
  // init over attributes over data-*, until the core bundle's theme sheet takes over.
  function theme() {
    var left = pick('position') == 'bottom-left';
    var set = (name, value) => value && host.style.setProperty('--natter-' + name, value);
    set('accent', pick('accent'));
    set('accent-ink', pick('accentText'));
    set(left ? 'left' : 'right', pick('offsetX') == null ? left && '20px' : pick('offsetX') + 'px');
    if (left) set('right', 'auto');
    set('bottom', pick('offsetY') == null ? '' : pick('offsetY') + 'px');
    if (pick('launcherLabel')) launcher.setAttribute('aria-label', pick('launcherLabel'));
  }

  theme();
  // Lifted now, themed and with its content: the host enters the top layer
  // before its first style, so it is styled once, and never drawn outside it.
  // In Chromium showPopover() brings the page's style up to date: the pass
  // the first frame makes anyway. Lifted in the frame instead, the host was
  // styled twice whenever a script read a box in between (the bench's probe
  // does, as many shops' scripts do): 0.35 ms more style traced before the
  // launcher's paint, median of 100 loads of the bench storefront. Throws
  // without popovers, or if the host already left the page.
  try {
    host.popover = 'manual';
    host.showPopover();
  } catch (e) { /* stays a fixed, top z-index host */ }

  return { host, root, launcher, theme, pick };
}
