// The sounds of tools/bench/voice-rungs.mjs and how they are read back:
// bursts of a 1 kHz tone (amplitude 0.5) after silence, the same shape each
// way; an onset is the first sample above 0.1 after >= 200 ms below 0.01
// (rung-page.mjs's taps do the same in the page); the level is the RMS of
// each 10 ms.
import { FRAME_SAMPLES, SAMPLE_RATE } from '../gateway/voice/opus-frames.mjs';

export const TONE_HZ = 1000;

// The agent's downlink train: `n` times (`offMs` of silence, `onMs` of
// tone), 48 kHz int16, every onset on a 20 ms frame boundary. Returns
// {pcm, onsetFrames: the frame index each burst starts at}.
export function toneTrain(n, onMs, offMs) {
  const on = (onMs * SAMPLE_RATE) / 1000, off = (offMs * SAMPLE_RATE) / 1000;
  if (on % FRAME_SAMPLES || off % FRAME_SAMPLES) throw new Error('bursts must be whole 20 ms frames');
  const pcm = new Int16Array(n * (on + off) + FRAME_SAMPLES * 10); // and 200 ms of silence after
  const onsetFrames = [];
  for (let k = 0; k < n; k++) {
    const start = k * (on + off) + off;
    onsetFrames.push(start / FRAME_SAMPLES);
    for (let i = 0; i < on; i++) pcm[start + i] = Math.round(16384 * Math.sin((2 * Math.PI * TONE_HZ * i) / SAMPLE_RATE));
  }
  return { pcm, onsetFrames };
}

// Reads the gateway's decoded uplink as it arrives, frame by frame (the
// stream has no clock of its own: frames follow each other, concealed ones
// in the place of the lost): onsets with the arrival time of the frame that
// carried them, and the 10 ms levels in stream order with whether the frame
// was concealed, and if so whether from the next frame's FEC.
export function createStreamReader() {
  let quiet = 0, armed = false;
  const onsets = []; // {at, window: index of its 10 ms window}
  const windows = []; // {rms, concealed, fec}
  return {
    frame(pcm, at, concealed, fec = false) {
      for (let w = 0; w + 480 <= pcm.length; w += 480) {
        let acc = 0;
        for (let i = w; i < w + 480; i++) {
          const v = pcm[i] / 32768, a = Math.abs(v);
          acc += v * v;
          if (a > 0.1) {
            if (armed) onsets.push({ at, window: windows.length });
            armed = false;
            quiet = 0;
          } else if (a < 0.01) { if (++quiet >= 0.2 * SAMPLE_RATE) armed = true; } else quiet = 0;
        }
        windows.push({ rms: Math.sqrt(acc / 480), concealed, fec });
      }
    },
    take() {
      const out = { onsets: onsets.splice(0), windows: windows.splice(0) };
      return out;
    },
  };
}

// Pairs each mouth time with the first ear time after it and before the
// next mouth (both on the bench's clock). Returns [{mouth, ear|null}].
export function pairOnsets(mouths, ears) {
  const sorted = [...ears].sort((a, b) => a - b);
  return mouths.map((mouth, k) => {
    const next = mouths[k + 1] ?? Infinity;
    const ear = sorted.find((e) => e >= mouth && e < next);
    return { mouth, ear: ear ?? null };
  });
}

// Gaps inside one burst heard: `levels` are its 10 ms levels from 20 ms
// after the onset to 30 ms before the burst's end; a gap is a run of one or
// more levels below half the burst's median level, counted once per run.
// Returns {gaps, windows}.
export function gapsIn(levels) {
  if (levels.length === 0) return { gaps: 0, windows: 0 };
  const median = [...levels].sort((a, b) => a - b)[Math.floor(levels.length / 2)];
  let gaps = 0, inGap = false;
  for (const level of levels) {
    const low = level < median / 2;
    if (low && !inGap) gaps += 1;
    inGap = low;
  }
  return { gaps, windows: levels.length };
}
