// The estimated wait for a person (docs/protocol.md, "Handoff to a person"),
// from how fast the shop's staff took recent conversations off the queue.
//
// Each pickup (waiting --take--> person) records how long that conversation
// waited divided by its place when it started waiting: the time one place in
// the queue took. The estimate for place p is p times the median of those over
// the last PICKUP_WINDOW_MS, rounded up to whole minutes. A median, because
// one conversation left waiting over lunch must not triple every estimate;
// none at all (0) from fewer than MIN_PICKUPS, because a guess from one or
// two pickups misleads more than it helps. Both stores keep the newest
// MAX_PICKUPS pickups and call these functions, so they estimate alike.

export const MAX_PICKUPS = 20;
export const MIN_PICKUPS = 3;
export const PICKUP_WINDOW_MS = 2 * 60 * 60_000;
const MAX_WAIT_S = 24 * 60 * 60; // past a day an estimate means nothing

// One pickup's record: when, and the milliseconds one place took.
export function pickupRecord(now, waitedMs, place) {
  return { at: now, per_place_ms: Math.max(0, waitedMs) / Math.max(1, place) };
}

// The median time per place of the recent pickups, or 0 with too few.
export function perPlaceMs(pickups, now) {
  const recent = pickups.filter((p) => now - p.at <= PICKUP_WINDOW_MS).map((p) => p.per_place_ms).sort((a, b) => a - b);
  if (recent.length < MIN_PICKUPS) return 0;
  const mid = recent.length >> 1;
  return recent.length % 2 ? recent[mid] : (recent[mid - 1] + recent[mid]) / 2;
}

// Seconds (whole minutes, at least one) to wait at `position`, or 0: no estimate.
export function waitSeconds(position, perPlace) {
  if (!(position > 0) || !(perPlace > 0)) return 0;
  return Math.min(MAX_WAIT_S, Math.ceil((position * perPlace) / 60_000) * 60);
}
