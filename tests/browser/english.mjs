// Every English word the widget can show: its own catalogue (shipped), the
// core's words (en-core.js, the reference for them) and the chunks' own
// (en-<chunk>.js), so a test can look up a notice or a status line by its key.
import en from '../../shim/i18n/en.js';
import enCore from '../../shim/i18n/en-core.js';
import enSessionUi from '../../shim/i18n/en-session-ui.js';
import enContinue from '../../shim/i18n/en-continue.js';
import enConversations from '../../shim/i18n/en-conversations.js';
import enReplyParts from '../../shim/i18n/en-reply-parts.js';

export const english = { ...en, ...enCore, ...enSessionUi, ...enContinue, ...enConversations, ...enReplyParts };
