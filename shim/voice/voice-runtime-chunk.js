// Entry of the voice runtime chunk (natter.voiceruntime.<hash>.js, built by
// tools/bundle/build.mjs): hands the audio runtime and the WebRTC link to the
// core bundle, which is waiting for them in load-runtime.js.
import { createVoiceRuntime } from './voice-runtime.js';
import { createRtcLink } from './rtc-link.js';

window.natter && window.natter.__voiceRuntime && window.natter.__voiceRuntime({ createVoiceRuntime, createRtcLink });
