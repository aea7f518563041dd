// The live transcript's text for an utterance cut short (barge-in, a closed
// connection): tools/gateway/voice/voice-gateway.mjs.

// What the shopper heard of `text` when `sent` of its `total` audio frames
// had gone out: the same share of the text, back to a word's end (the
// speech is taken as evenly paced; espeak-ng's is, near enough).
export function spokenPart(text, sent, total) {
  if (total <= 0 || sent >= total) return text;
  const upTo = Math.floor((text.length * sent) / total);
  if (upTo >= text.length) return text;
  if (/\s/.test(text[upTo])) return text.slice(0, upTo).trimEnd();
  const lastSpace = text.slice(0, upTo).search(/\s\S*$/);
  return lastSpace < 0 ? '' : text.slice(0, lastSpace).trimEnd();
}
