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
  'action.quantity': 'Quantity: {quantity}',
  'action.confirm': 'Confirm',
  'action.decline': 'Not now',
  'action.confirming': 'Confirming…',
  'action.running': 'Working on it…',
  'action.done': 'Done',
  'action.failed': 'That did not work',
  'action.declined': 'Not done: you chose not now',
  'action.unavailable': 'Not available on this page',
};
