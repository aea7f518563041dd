// The bounds every store keeps (store/README.md, "Bounds"). A deployment
// may lower or raise them with startServer({limits}); tests lower them to
// hit each one.
export const DEFAULT_LIMITS = Object.freeze({
  maxSessions: 100_000, // sessions held (connected or within the resume window)
  maxEvents: 5000, // events kept per session log for replay
  maxAcked: 1000, // acked message ids remembered per session
  maxTurns: 32, // pending (acked, unanswered) turns per session
  maxRuns: 200_000, // idempotency records held
  runTtlMs: 24 * 60 * 60 * 1000, // an idempotency record is kept this long
  resumeWindowMs: 120_000, // a session without a connection is held this long
});

export function limitsWith(overrides = {}) {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`limits.${name} must be an integer >= 1`);
  }
  return Object.freeze(limits);
}
