// The English of product cards and reply chips. Not in en.js: only the
// reply parts chunk (ui/reply-parts.js) draws them, so they ship with it
// and the first chat's bundle does not carry them. Every other catalogue
// translates them, key for key (tests/node/i18n-catalogues.test.mjs takes
// this file into its English reference).

export default {
  'card.price': 'Price: {price}',
  'card.save': 'Save',
  'card.saveLabel': 'Save {name}',
  'suggestions.label': 'Suggested replies',
};
