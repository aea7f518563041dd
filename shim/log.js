// The core's log effects: printed as console[level]('[natter] ' + text),
// with the core's text verbatim (tests grep for exact lines such as
// "[natter] send blocked: already sending"), and kept in a small ring that
// natter('debug') returns for support requests.

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

export function createLog({ console, now, size = 100 }) {
  const ring = [];

  function log(level, text) {
    const method = LEVELS.has(level) ? level : 'log';
    console[method]('[natter] ' + text);
    ring.push({ at: Math.round(now()), level, text });
    if (ring.length > size) ring.shift();
  }

  log.entries = () => ring.slice();
  return log;
}
