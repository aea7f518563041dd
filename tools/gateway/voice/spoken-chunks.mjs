// An answer cut into the pieces the agent's voice synthesises one after
// another (voice-gateway.mjs): the first piece is spoken while the next are
// made. Cut after each sentence (., !, ? or : then a space); the first piece
// is kept short, because the shopper waits for it: a first sentence longer
// than FIRST_CHUNK_CHARS is cut at its first comma. Short first pieces
// ("Yes!", "Yes, we have that:") recur from answer to answer, so the
// synthesis cache (agent-voice.mjs) often has them ready.
export const FIRST_CHUNK_CHARS = 48;

export function spokenChunks(text) {
  const sentences = String(text).split(/(?<=[.!?:])\s+/).map((s) => s.trim()).filter(Boolean);
  if (sentences.length === 0) return [];
  const first = sentences[0];
  const comma = first.indexOf(', ');
  if (first.length > FIRST_CHUNK_CHARS && comma > 0) {
    sentences.splice(0, 1, first.slice(0, comma + 1), first.slice(comma + 2));
  }
  return sentences;
}
