// A per-credential rate for the staff calls that cost the database or the
// store most (docs/security.md, "Staff record and revocation bounds"): the
// record's search, export, erase and analytics, and revocations; and, in a
// budget of their own, what staff write (replies, notes, leads, takes,
// hand-backs: staff-api.mjs STAFF_WRITES_PER_MINUTE). A fixed
// window per staff credential (its id: one person's token, or the shared
// token); past it the call is refused 429 with Retry-After and does nothing.
// Bounded: at most MAX_CREDENTIALS tracked, the oldest window forgotten first.
export const MAX_CREDENTIALS = 10_000;

// `perWindow` calls per `windowMs`. -> { take(id) -> null | { retryAfterS }, clear() }.
export function createCredentialBudget({ perWindow, windowMs, now = Date.now }) {
  const windows = new Map(); // credential id -> { start, used }
  function take(id) {
    const t = now();
    let w = windows.get(id);
    if (!w || t - w.start >= windowMs) {
      windows.delete(id);
      w = { start: t, used: 0 };
      windows.set(id, w);
      if (windows.size > MAX_CREDENTIALS) windows.delete(windows.keys().next().value);
    }
    if (w.used >= perWindow) return { retryAfterS: Math.max(1, Math.ceil((w.start + windowMs - t) / 1000)) };
    w.used += 1;
    return null;
  }
  return { take, clear: () => windows.clear() };
}
