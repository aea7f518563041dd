// The bounds every store keeps (store/README.md, "Bounds"). A deployment
// may lower or raise them with startServer({limits}); tests lower them to
// hit each one.
export const DEFAULT_LIMITS = Object.freeze({
  maxSessions: 100_000, // sessions held (connected or within the resume window)
  maxEvents: 5000, // events kept per session log for replay
  maxAcked: 1000, // acked message ids remembered per session
  maxTurns: 32, // pending (acked, unanswered) turns per session
  maxRuns: 200_000, // idempotency records held; at the cap the oldest not running is evicted
  runTtlMs: 24 * 60 * 60 * 1000, // an idempotency record is kept this long
  resumeWindowMs: 120_000, // a session without a connection is held this long
  // POST /api/chat budgets (chat-budget.mjs), per gateway instance, per window:
  chatPerAddress: 600, // requests from one client address (an IPv6 /64 counts as one)
  chatPerConversation: 30, // requests naming one conversation_id
  chatWindowMs: 60_000,
  // POST /api/feedback budgets (feedback-endpoint.mjs), the same way: a
  // widget sends one thumb per answer and one rating, so these are far above it.
  feedbackPerAddress: 300, // requests from one client address
  feedbackPerConversation: 20, // distinct thumbs or ratings naming one conversation_id
  feedbackWindowMs: 60_000,
  // POST /api/action and /api/action/result (action-endpoint.mjs), the same
  // way: a confirmation, a few "running" re-asks and one result per action.
  actionPerAddress: 300, // requests from one client address
  actionPerConversation: 30, // requests naming one conversation_id
  actionWindowMs: 60_000,
  // Photos from the shopper (POST /api/attachment, attachment-endpoint.mjs;
  // kept by store/*-attachments.mjs as long as an idempotency record):
  attachmentMaxBytes: 2 * 1024 * 1024, // one upload's bytes (413 over it)
  attachmentsPerMessage: 3, // uploads one message may carry (index 0..2)
  attachmentsPerConversation: 20, // kept per conversation at once
  attachmentBytesPerConversation: 16 * 1024 * 1024,
  attachmentsTotal: 20_000, // kept by the whole store at once
  attachmentBytesTotal: 512 * 1024 * 1024,
  attachmentPerAddress: 60, // uploads from one client address per window
  attachmentPerConversation: 20, // distinct uploads naming one conversation per window
  attachmentWindowMs: 60_000,
  bodyTimeoutMs: 10_000, // a request body must have arrived this long after its headers (408)
});

// At the idempotency cap, how many of the oldest records are looked at for
// one that no agent is running (memory-runs.mjs, redis-run-scripts.mjs CLAIM).
export const EVICT_SCAN = 16;

export function limitsWith(overrides = {}) {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`limits.${name} must be an integer >= 1`);
  }
  return Object.freeze(limits);
}
