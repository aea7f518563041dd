// Baseline for Enter -> request: a plain textarea whose Enter posts the
// same kind of /api/chat request the widget sends, straight from keydown.
(function () {
  var textarea = document.getElementById('plain');
  textarea.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    var id = crypto.randomUUID();
    fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': id },
      body: JSON.stringify({ message_id: id, conversation_id: crypto.randomUUID(), text: textarea.value }),
      cache: 'no-store',
      credentials: 'omit',
    }).then(function (r) { return r.text(); }).then(function () { window.__bench.plainDone = true; });
  });
})();
