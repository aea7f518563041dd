// A call's notices (call_notice: a microphone denied, missing or lost, a
// prompt still open, audio that did not start, a call the server refused or
// ended). The core says them by code only, so their English is not in its
// first part that every first chat downloads: it ships here, with the
// session UI chunk, which holds effects in order until it is in (a notice
// that comes before it waits with the call bar's own state). In another
// language, or with a shop's override, that text is shown instead. The
// host's error event says the English, as for the core's own errors.
//
//   const effects = createCallNotices({ t, messages: ui.messages, listeners });
import { withEnglish } from '../i18n/chunk-english.js';
import { keyOf } from '../i18n/core-text.js';
import enCall from '../i18n/en-call.js';

export function createCallNotices({ t: translate, messages, listeners }) {
  const t = withEnglish(translate, enCall);
  return {
    call_notice: ({ code, error }) => {
      const key = keyOf('notice', code);
      messages.addNotice({ code, text: t(key) });
      if (error) listeners.emit('error', { code, message: enCall[key] ?? code });
    },
  };
}
