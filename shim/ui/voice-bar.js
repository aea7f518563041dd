// Voice mode's call bar: while a call is up, the call state in words, a
// level meter, Mute and End call; it shows and hides the microphone button
// (ui/mic-button.js, drawn with the panel). It comes with the session UI
// chunk (shim/session-ui/). The state line is a polite live region, so screen readers hear
// "Listening", "Agent speaking"… as they change. Keyboard: all are plain
// buttons in the tab order. A call started from the microphone button moves
// focus to the text box (where Enter does nothing in voice mode), never to
// End call, so a stray Enter cannot hang up; End call is one Shift+Tab
// away. When a call ends with focus in the bar, focus returns to the
// microphone button.
//
//   const bar = createVoiceBar({ doc, micButton, textarea, parent, before, t, onEnd, onMute });
//   bar.show({state, muted}); bar.level(0..1); bar.route({rung}) (the voice
//   ladder's rung, as data-rung and a tooltip: "webrtc_direct", "turn_tcp", …)

import { el } from './dom.js';
import { withEnglish } from '../i18n/chunk-english.js';
import enSessionUi from '../i18n/en-session-ui.js';

export function createVoiceBar({ doc, micButton, textarea, parent, before, t: translate, onEnd, onMute }) {
  const t = withEnglish(translate, enSessionUi); // its English ships with the chunk, not in en.js
  const bar = el(doc, 'div', { class: 'voice', part: 'voice-bar', role: 'group', 'aria-label': t('voice.call') });
  bar.hidden = true;
  const state = el(doc, 'span', { class: 'voice-state', role: 'status', 'aria-live': 'polite', part: 'voice-state' });
  const meter = el(doc, 'span', { class: 'voice-meter', 'aria-hidden': 'true' });
  const fill = el(doc, 'span', { class: 'voice-meter-fill' });
  meter.appendChild(fill);
  const mute = el(doc, 'button', { class: 'voice-mute', type: 'button', 'aria-pressed': 'false', part: 'voice-mute' }, t('voice.mute'));
  const end = el(doc, 'button', { class: 'voice-end', type: 'button', part: 'voice-end' }, t('voice.end'));
  bar.append(state, meter, mute, end);
  parent.insertBefore(bar, before);

  let muted = false;
  end.addEventListener('click', () => onEnd());
  mute.addEventListener('click', () => onMute(!muted));

  function show({ state: name, muted: isMuted }) {
    const off = name === 'off';
    const focused = bar.getRootNode().activeElement;
    const focusInBar = Boolean(focused) && bar.contains(focused);
    const focusOnMic = focused === micButton;
    bar.hidden = off;
    micButton.hidden = !off;
    muted = Boolean(isMuted);
    mute.setAttribute('aria-pressed', String(muted));
    mute.textContent = muted ? t('voice.unmute') : t('voice.mute');
    const hearing = name === 'listening' || name === 'user_speaking';
    state.textContent = off ? '' : t(muted && hearing ? 'voice.state.muted' : `voice.state.${name}`);
    bar.dataset.state = name;
    if (off) {
      fill.style.transform = 'scaleX(0)';
      if (focusInBar) micButton.focus();
    } else if (focusOnMic) {
      textarea.focus();
    }
  }

  return {
    show,
    route({ rung }) {
      bar.dataset.rung = rung || '';
      if (rung) bar.title = `voice: ${rung.replace('_', ' ')}`;
      else bar.removeAttribute('title');
    },
    level(value) {
      const v = Math.max(0, Math.min(1, Number(value) || 0));
      fill.style.transform = `scaleX(${muted ? 0 : v.toFixed(3)})`;
    },
    micButton,
    bar,
  };
}
