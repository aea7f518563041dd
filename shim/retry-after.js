// Parses an HTTP Retry-After header into a delay in ms, or -1 when absent or
// unreadable (the value the core's http_responded event expects). The
// header is either delay-seconds ("120") or an HTTP-date; a date in the
// past is a delay of 0. The core decides what to do with the delay (it caps
// it); this only guarantees a JSON integer, so huge values are clamped.

const MAX_MS = 24 * 60 * 60 * 1000;

export function parseRetryAfter(value, wallNowMs) {
  if (value == null) return -1;
  const text = String(value).trim();
  if (text === '') return -1;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_MS);
  // Date.parse accepts all three formats RFC 9110 allows (IMF-fixdate,
  // RFC 850, asctime), but also loose strings: insist on a weekday name.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i.test(text)) return -1;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return -1;
  return Math.min(Math.max(0, Math.round(at - wallNowMs)), MAX_MS);
}
