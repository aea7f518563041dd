// Baseline for the loader: the least a widget can do to show a launcher,
// a 56 px button in an open shadow root appended to <body>.
(function () {
  var host = document.createElement('bench-plain');
  var root = host.attachShadow({ mode: 'open' });
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(':host{position:fixed;right:20px;bottom:20px}button{width:56px;height:56px;border-radius:50%}');
  root.adoptedStyleSheets = [sheet];
  var button = document.createElement('button');
  button.setAttribute('aria-label', 'Open chat');
  root.appendChild(button);
  document.body.appendChild(host);
})();
