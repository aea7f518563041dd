// The English of the list of the shopper's conversations
// (ui/conversations.js). Not in en.js: only the conversations chunk draws
// it, so it ships with it. Every other catalogue translates it, key for
// key (tests/node/i18n-catalogues.test.mjs takes this file into its
// English reference).

export default {
  'conversations.label': 'Your conversations',
  'conversations.new': 'New conversation',
  'conversations.untitled': 'New conversation',
};
