// Voice mode's microphone button beside Send, drawn with the panel so it is
// there when the panel opens. The call's bar (ui/voice-bar.js) comes with
// the session UI chunk and, from then on, shows and hides this button.
//
//   const micButton = createMicButton({ doc, composerRow, sendButton, t, onStart });

import { el, icon } from './dom.js';

const MIC_ICON = 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM6 11a6 6 0 0 0 12 0M12 17v4';

export function createMicButton({ doc, composerRow, sendButton, t, onStart }) {
  const micButton = el(doc, 'button', { class: 'mic', type: 'button', 'aria-label': t('voice.start'), part: 'voice-start' });
  micButton.appendChild(icon(doc, MIC_ICON));
  composerRow.insertBefore(micButton, sendButton);
  micButton.addEventListener('click', () => onStart());
  return micButton;
}
