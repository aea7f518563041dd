// The English of an answer's thumbs. Not in en.js: only the thumbs chunk
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
};
