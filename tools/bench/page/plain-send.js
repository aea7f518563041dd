// Baseline for Enter -> request: a plain textarea whose Enter posts the
// same kind of /api/chat request the widget sends, straight from keydown.
(function () {
  var textarea = document.getElementById('plain');
  textarea.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    var id = crypto.randomUUID();
    // A conversation key, as the widget sends one (the gateway requires it).
    var key = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(24)), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join('');
    fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': id },
      body: JSON.stringify({
        message_id: id, conversation_id: crypto.randomUUID(), text: textarea.value,
        conversation_key: key,
      }),
      cache: 'no-store',
      credentials: 'omit',
    }).then(function (r) { return r.text(); }).then(function () { window.__bench.plainDone = true; });
  });
})();
