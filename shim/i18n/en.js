// The English catalogue: every word the widget shows or announces but the
// core's own (those are in en-core.js, which is not shipped); with that
// file, the reference every other catalogue must match key for key
// (tests/node/i18n-catalogues.test.mjs). Plain data: {placeholder} marks
// are filled by i18n/translate.js. English ships inside the core bundle;
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
  'message.you': 'You:',
  'message.agent': '{agent}:',
  'message.agentName': 'Assistant',
  'message.retry': 'Retry',
  'message.voice': '(spoken)',
  'message.voiceCut': '(interrupted)',
  'message.staffAuthor': '{name} from the shop',
  'delivery.queued': "Queued — will send when you're back online.",
  'delivery.sending': 'Sending…',
  'delivery.sent': 'Sent',
  'delivery.retrying': 'Retrying…',
  'delivery.failed': 'Failed',
  'delivery.failedDetail': 'Failed: {detail}',
  'status.reconnectingIn': 'Reconnecting in {seconds} s…',
  'status.reconnectingNow': 'Reconnecting…',
  'status.retryNow': 'Retry now',
  'status.useHere': 'Use here',
  'time.sentAt': 'Sent at {time}',
  'voice.start': 'Start a voice call',
  'notice.coreFailed': 'The chat stopped working. Reload the page to carry on: anything not yet delivered is sent then.',
  'continue.offer': 'Continue on your phone',
  'handoff.ask': "Talk to a person",
  'delivery.delivered': "Delivered",
  'delivery.read': "Read by {name}",
};
