// Entry of the voice runtime chunk (natter.voiceruntime.<hash>.js, built by
// tools/bundle/build.mjs): hands createVoiceRuntime to the core bundle,
// which is waiting for it in load-runtime.js.
import { createVoiceRuntime } from './voice-runtime.js';

window.natter && window.natter.__voiceRuntime && window.natter.__voiceRuntime(createVoiceRuntime);
