// Entry of the session UI chunk (natter.sessionui.<hash>.js, manifest key
// session_ui_js, built by tools/bundle/build.mjs): hands createSessionUi to
// the core bundle, which is waiting for it in load-session-ui.js.
import { createSessionUi } from './session-ui.js';

window.natter && window.natter.__sessionUi && window.natter.__sessionUi({ createSessionUi });
