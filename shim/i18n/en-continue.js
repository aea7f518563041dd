// The English of the continue sheet (ui/continue-sheet.js): the code, its
// QR and the link's prompt (wasm/src/people/device_link.hpp, continue_offer
// state `confirm`). Not in en.js: only the continue chunk shows them, so
// they ship with it and the first chat's bundle does not carry them. Every other catalogue translates them, key
// for key (tests/node/i18n-catalogues.test.mjs takes this file into its
// English reference).

export default {
  'continue.asking': 'Making a code…',
  'continue.scan': 'Scan this with your phone, or type the code in this chat there.',
  'continue.valid': 'Works once, for {minutes} min.',
  'continue.expired': 'This code has expired.',
  'continue.again': 'New code',
  'continue.close': 'Close',
  'continue.qr': 'QR code to continue this chat on your phone',
  'continue.noQr': 'No QR code here: type the code instead.',
  'continue.codeLabel': 'Code from another device',
  'continue.here': 'Continue here',
  'continue.confirm': 'Continue the chat you started on another device?',
  'continue.confirmReplace': 'Continue the chat you started on another device? It takes the place of the chat on this device.',
  'continue.notNow': 'Not now',
};
