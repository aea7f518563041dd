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
