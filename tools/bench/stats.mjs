// Summaries for timing samples: nearest-rank percentiles, so every figure
// reported is a time that was actually measured.

export function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (samples) => percentile(samples, 50);
export const p95 = (samples) => percentile(samples, 95);

// The 2.5th and 97.5th percentiles of median(a) / median(b) over `draws`
// bootstrap resamples (pairs drawn with replacement, by index): how far the
// reported ratio could move between runs of the same count. Seeded, so a
// report is reproducible from its samples.
export function ratioOfMediansInterval(a, b, { draws = 2000, seed = 1 } = {}) {
  if (a.length !== b.length || a.length === 0) throw new Error('ratioOfMediansInterval: two samples of the same, non-zero length');
  let state = seed >>> 0;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const ratios = [];
  for (let d = 0; d < draws; d += 1) {
    const ra = [];
    const rb = [];
    for (let i = 0; i < a.length; i += 1) {
      const j = Math.floor(next() * a.length);
      ra.push(a[j]);
      rb.push(b[j]);
    }
    ratios.push(median(ra) / median(rb));
  }
  return [percentile(ratios, 2.5), percentile(ratios, 97.5)];
}
