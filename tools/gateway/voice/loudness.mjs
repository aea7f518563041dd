// What the gateway's test control `heard` reports of a call's recording
// (test-controls.mjs): how loud, never what was said.
//
// loudness(pcm: Float32Array at 48 kHz) -> {samples, envelope: RMS per 10 ms
// (480 samples), one decimal}
export function loudness(pcm) {
  const envelope = [];
  for (let at = 0; at + 480 <= pcm.length; at += 480) {
    let sum = 0;
    for (let i = at; i < at + 480; i += 1) sum += pcm[i] * pcm[i];
    envelope.push(Math.round(Math.sqrt(sum / 480) * 10) / 10);
  }
  return { samples: pcm.length, envelope };
}
