// The ten spoken shop questions of the voice tests and bench
// (tests/server/voice-stt.test.mjs, tools/bench/voice-agent.mjs), and the
// word error count they are scored with.

// [question, what the answer must show: product ids, or 'trade-in']
export const QUESTIONS = [
  ['Do you have PS5 games?', ['sku-astro-bot-ps5', 'sku-gran-turismo-7-ps5']],
  ['Do you have Xbox games?', ['sku-forza-horizon-5-xbox']],
  ['How much is Astro Bot?', ['sku-astro-bot-ps5']],
  ['Show me Switch controllers', ['sku-switch-pro-controller', 'sku-joy-con-pair']],
  ['Do you have a wireless headset?', ['sku-arctis-wireless-headset']],
  ['How much is the Xbox Series X?', ['sku-xbox-series-x']],
  ['Have you got Mario Kart?', ['sku-mario-kart-8-deluxe']],
  ['I am looking for a PlayStation 5 console', ['sku-ps5-slim-console']],
  ['Can I trade in my old console?', 'trade-in'],
  ['Do you have Forza Horizon?', ['sku-forza-horizon-5-xbox']],
];

// Word-level edit distance.
export function wordErrors(reference, hypothesis) {
  const r = reference.split(' ').filter(Boolean);
  const h = hypothesis.split(' ').filter(Boolean);
  let row = h.map((_, j) => j + 1);
  row.unshift(0);
  for (let i = 1; i <= r.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= h.length; j += 1) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[h.length];
}
