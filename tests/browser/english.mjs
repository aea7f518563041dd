// Every English word the widget can show: its own catalogue (shipped) and
// the core's words (en-core.js, the reference for them), so a test can look
// up a notice or a status line by its key.
import en from '../../shim/i18n/en.js';
import enCore from '../../shim/i18n/en-core.js';

export const english = { ...en, ...enCore };
