// The English of the continue link's prompt (wasm/src/people/device_link.hpp,
// continue_offer state `confirm`). Not in en.js: only the continue chunk
// (ui/continue-sheet.js) shows them, so they ship with it and the first
// chat's bundle does not grow. Every other catalogue translates them, key
// for key (tests/node/i18n-catalogues.test.mjs takes this file into its
// English reference).

export default {
  'continue.confirm': 'Continue the chat you started on another device?',
  'continue.confirmReplace': 'Continue the chat you started on another device? It takes the place of the chat on this device.',
  'continue.notNow': 'Not now',
};
