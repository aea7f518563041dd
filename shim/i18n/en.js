// The English catalogue: every word the widget shows or announces, and
// the reference every other catalogue must match key for key
// (tests/node/i18n-catalogues.test.mjs). Plain data: {placeholder} marks
// are filled by i18n/strings.js. English ships inside the core bundle;
// every other locale is its own file, loaded only when active
// (docs/theming.md, "Languages").

export default {
  'launcher.open': 'Open chat',
  'launcher.close': 'Close chat',
  'panel.title': 'Chat with us',
  'panel.close': 'Close chat',
  'panel.conversation': 'Conversation',
  'panel.greeting': 'Hi! Ask us about products, stock or your order.',
  'composer.label': 'Your message',
  'composer.placeholder': 'Type your message…',
  'composer.send': 'Send',
  'composer.hint': 'Enter to send · Shift+Enter for a new line',
  'composer.tooLong': 'This message is over the {limit}-character limit. Shorten it to send.',
  'composer.outboxFull': 'Too many messages are waiting to be sent. This one will be sendable once the chat is back online.',
  'message.you': 'You:',
  'message.agent': '{agent}:',
  'message.agentName': 'Assistant',
  'message.retry': 'Retry',
  'delivery.queued': "Queued — will send when you're back online.",
  'delivery.sending': 'Sending…',
  'delivery.sent': 'Sent',
  'delivery.retrying': 'Retrying…',
  'delivery.failed': 'Failed',
  'delivery.failedDetail': 'Failed: {detail}',
  'status.connecting': 'Connecting…',
  'status.connected': 'Connected',
  'status.offline': "You're offline — messages will send when you're back.",
  'status.reconnectingIn': 'Reconnecting in {seconds} s…',
  'status.reconnectingNow': 'Reconnecting…',
  'status.closed': 'Chat closed.',
  'status.closedElsewhere': 'This chat continued in another tab.',
  'status.retryNow': 'Retry now',
  'status.useHere': 'Use here',
  'notice.freshSession': 'The chat had to start a new session. Anything not yet delivered is being sent now.',
  'card.price': 'Price: {price}',
  'time.sentAt': 'Sent at {time}',
};
