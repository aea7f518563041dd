// Words the shim itself puts on screen for the delivery line and the live
// session's status line, in one place for translation. Text the core sends
// (status_changed.text, diagnosis, notice text, failure details) arrives
// ready to show and is not listed here.

// The delivery line under each shopper bubble, per delivery_changed.state.
export const DELIVERY_TEXT = {
  queued: () => "Queued — will send when you're back online.",
  sending: () => 'Sending…',
  sent: () => 'Sent',
  retrying: () => 'Retrying…',
  failed: (detail) => (detail ? `Failed: ${detail}` : 'Failed'),
};

export const STATUS_TEXT = {
  // The countdown that replaces the core's text while reconnecting, each second.
  reconnectingIn: (seconds) => `Reconnecting in ${seconds} s…`,
  // Shown once the countdown reaches zero, until the core's next status.
  reconnectingNow: 'Reconnecting…',
  retryNow: 'Retry now',
  // The same button in state "closed" (the chat continued in another tab).
  useHere: 'Use here',
};
