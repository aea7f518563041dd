// The agent's Markdown as it is read aloud: link labels without their URLs,
// no emphasis marks, list items as a sentence each, at most
// MAX_SPOKEN_CHARS (cut at a word's end). speakable() does it to a whole
// reply; createSpokenStream() does the same to a reply still streaming, so
// its first sentence can be spoken while the agent writes the rest: its
// pieces, joined with spaces, are speakable() of the whole reply.
export const MAX_SPOKEN_CHARS = 600;
// A first sentence longer than this is spoken up to its first comma first
// (the shopper waits for it; spoken-chunks.mjs has the same rule).
export const FIRST_PIECE_CHARS = 48;
// Later pieces shorter than this wait to be joined with the next sentence:
// each piece is one synthesis, so a reply of "Yes. No. Ok." does not cost
// a process per word. The budget: at most MAX_SPOKEN_CHARS / this + 2 pieces.
export const MIN_LATER_PIECE_CHARS = 24;
// Past this much Markdown the stream stops reading (the spoken cap is long
// passed unless the reply is mostly links or marks): the work per reply is bounded.
export const MAX_READ_CHARS = 16 * MAX_SPOKEN_CHARS;

const LINK = /\[([^\]]*)\]\([^)]*\)/g;

// Links and marks out, list dashes off; lines not yet split.
const unmarked = (markdown) => markdown.replace(LINK, '$1').replace(/[*_`#]+/g, '').replace(/^\s*-\s+/gm, '');
const sentenceOf = (line) => (/[.!?:]$/.test(line) ? line : `${line}.`);
const completeLines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean).map(sentenceOf);

// speakable()'s cut of a text longer than the cap: back to the last word end.
function capped(text) {
  if (text.length <= MAX_SPOKEN_CHARS) return text;
  const cut = text.slice(0, MAX_SPOKEN_CHARS);
  return cut.slice(0, Math.max(cut.lastIndexOf('. ') + 1, cut.lastIndexOf(' '))).trim();
}

export function speakable(markdown) {
  return capped(completeLines(unmarked(markdown)).join(' '));
}

// Where a link that may still be growing starts (its label or URL not closed
// yet), or the text's length: scanned the way the LINK expression matches,
// so the text before it reads the same whatever comes next.
function linkHold(text) {
  let at = text.indexOf('[');
  while (at >= 0) {
    const close = text.indexOf(']', at + 1);
    if (close < 0 || close + 1 >= text.length) return at; // the label, or what follows it, still to come
    if (text[close + 1] === '(') {
      const end = text.indexOf(')', close + 2);
      if (end < 0) return at;
      at = text.indexOf('[', end + 1);
    } else {
      at = text.indexOf('[', at + 1);
    }
  }
  return text.length;
}

// The spoken text of a reply so far: `stable`, what no later Markdown can
// change (whole lines, and the open line's sentences already followed by a
// space), and `open`, stable plus the rest of the open line as it reads now.
function readSoFar(markdown) {
  const text = unmarked(markdown.slice(0, linkHold(markdown)));
  const nl = text.lastIndexOf('\n');
  const whole = completeLines(text.slice(0, nl + 1));
  const line = text.slice(nl + 1);
  const end = line.search(/[.!?:]\s(?!.*[.!?:]\s)/s); // the last sentence end with a space after it
  const stableOpen = end < 0 ? '' : line.slice(0, end + 1).trim();
  const join = (...parts) => parts.filter(Boolean).join(' ');
  return { stable: join(...whole, stableOpen), open: join(...whole, line.trim()) };
}

const sentences = (text) => text.split(/(?<=[.!?:])\s+/).map((s) => s.trim()).filter(Boolean);

// push(delta) → the pieces now ready to be spoken; end() → the rest. The
// pieces are cut after each sentence; the first is short (FIRST_PIECE_CHARS:
// cut at its first comma, as soon as the sentence so far is that long).
export function createSpokenStream() {
  let markdown = '';
  let said = 0; // characters of the spoken text handed out as pieces (and the space after them)
  let pieces = 0;
  let done = false;

  // The pieces of `text` (the spoken text, stable up to its end) after `said`.
  function take(text, last) {
    const out = [];
    if (pieces === 0 && said === 0) {
      const first = sentences(text)[0] ?? '';
      const comma = first.indexOf(', ');
      if (first.length > FIRST_PIECE_CHARS && comma > 0) {
        out.push(first.slice(0, comma + 1));
        said = comma + 2;
      }
    }
    let piece = '';
    let upTo = said;
    for (const sentence of sentences(text.slice(said))) {
      piece = piece ? `${piece} ${sentence}` : sentence;
      upTo = text.indexOf(sentence, upTo) + sentence.length;
      if (pieces + out.length === 0 || piece.length >= MIN_LATER_PIECE_CHARS) {
        out.push(piece);
        piece = '';
        said = upTo + 1;
      }
    }
    if (piece && last) {
      out.push(piece);
      said = upTo + 1;
    }
    pieces += out.length;
    return out;
  }

  function finish(text) {
    done = true;
    return take(text, true);
  }

  return {
    push(delta) {
      if (done) return [];
      markdown += delta;
      const { stable, open } = readSoFar(markdown);
      // The cap is passed: the spoken text is known whatever comes next.
      if (open.length > MAX_SPOKEN_CHARS) return finish(capped(open));
      if (markdown.length > MAX_READ_CHARS) return finish(speakable(markdown));
      const out = [];
      if (pieces === 0 && said === 0 && !stable && open.length > FIRST_PIECE_CHARS) {
        const comma = open.indexOf(', '); // the first sentence is long: its first clause now
        if (comma > 0) {
          out.push(open.slice(0, comma + 1));
          said = comma + 2;
          pieces = 1;
        }
      }
      return [...out, ...take(stable, false)];
    },
    end() {
      return done ? [] : finish(speakable(markdown));
    },
    get pieces() { return pieces; },
  };
}
