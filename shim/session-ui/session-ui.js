// The session UI chunk's builder (session-ui-chunk.js): what the live
// session draws and carries out beyond a first chat, built onto the
// controls the panel drew at once (boot.js buildUi: the microphone button,
// the handoff bar with its offer, the continue button):
//   - the call bar (ui/voice-bar.js) and the voice effects (voice/voice-effects.js),
//   - the handoff bar's typing line and email form (ui/handoff-bar.js),
//   - continue on a phone (continue/continue-effects.js),
//   - a call's notices, said by the core by code only (call-notices.js),
//   - their CSS (session-styles.js), adopted beside the panel's.
//
//   const { effects, voice } = createSessionUi({ doc, win, root, ui, t, dispatch, log, session,
//                                               fetch, manifest, base, pageHref, listeners });
//   effects: a handler for every type in SESSION_UI_EFFECTS (session-ui-host.js)
//   voice: voice-effects.js's object (onBinary, resume, stop, route, …)
import { createVoiceBar } from '../ui/voice-bar.js';
import { createHandoffForm } from '../ui/handoff-bar.js';
import { createVoiceEffects } from '../voice/voice-effects.js';
import { loadVoiceRuntime } from '../voice/load-runtime.js';
import { createContinueEffects } from '../continue/continue-effects.js';
import { createCallNotices } from './call-notices.js';
import { sessionSheet } from './session-styles.js';
import { withSessionUiFiles } from './session-ui-files.js';

export function createSessionUi({
  doc, win, root, ui, t, dispatch, log, session, fetch, manifest: release, base, pageHref, listeners,
}) {
  const manifest = withSessionUiFiles(release); // with the entries of the chunks it loads
  // The voice runtime is its own chunk, downloaded on the first call, with the WebRTC link.
  const makeRuntime = async (on) => {
    const { createVoiceRuntime, createRtcLink } = await loadVoiceRuntime({ manifest, base, doc });
    const runtime = createVoiceRuntime({ manifest, base, root, doc, win, on, log });
    return { runtime, createRtcLink };
  };
  const sheet = sessionSheet();
  if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const bar = createVoiceBar({
    doc,
    micButton: ui.micButton,
    textarea: ui.panel.textarea,
    parent: ui.panel.panel,
    before: ui.handoff.bar.nextSibling, // under the handoff bar, above the composer
    t,
    onEnd: () => dispatch({ type: 'voice_end_clicked' }),
    onMute: (muted) => dispatch({ type: 'voice_mute_clicked', muted }),
  });
  const voice = createVoiceEffects({ makeRuntime, session, dispatch, ui: { voice: bar }, log });
  const handoff = createHandoffForm({
    doc, offer: ui.handoff, t, onEmail: (email) => dispatch({ type: 'handoff_email_submitted', email }),
  });
  const continuation = createContinueEffects({
    doc, root, panel: ui.panel, open: ui.continueButton, t, dispatch, fetch, manifest, base, pageHref, log,
  });
  const notices = createCallNotices({ t, messages: ui.messages, listeners });
  return { effects: { ...voice.effects, ...handoff.effects, ...continuation.effects, ...notices }, voice };
}
