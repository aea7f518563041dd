// The English of an answer's thumbs and the stars after a handoff. Not in en.js: only the thumbs chunk
// (ui/thumbs.js) draws them, so they ship with it. Every other catalogue
// translates them, key for key (tests/node/i18n-catalogues.test.mjs takes
// this file into its English reference).

export default {
  'thumbs.label': 'Was this answer helpful?',
  'thumbs.up': 'Helpful',
  'thumbs.down': 'Not helpful',
  'thumbs.failed': 'Not sent. Press again to retry.',
  'thumbs.reason': 'What was wrong? (optional)',
  'thumbs.send': 'Send',
  'rating.label': 'How was the help from our team?',
  'rating.stars': '{n} of 5 stars',
  'rating.thanks': 'Thank you!',
};
