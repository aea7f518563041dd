// The words the shopper may say, as a JSGF grammar for pocketsphinx
// (stt-pocketsphinx.mjs): built from the shop's catalogue (product names and
// tags) and a few shop phrases, so product names are recognised and not
// guessed from the whole English language model.
//
// spokenForm(text) writes text the way it is said and found in the
// recogniser's dictionary ("PS5" → "p s five", "7" → "seven"); writtenForm()
// turns recognised words back into what the text agent reads ("p s five" →
// "ps5"). shopGrammar(products, {dictionary}) → the grammar's text;
// words the dictionary lacks are left out (they could never be recognised).
const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
// Written shorthand → how it is said. Extend for a shop's own names.
export const SAY = Object.freeze({
  ps5: 'p s five', ps4: 'p s four', '1tb': 'one terabyte', oled: 'o l e d',
});
const WRITE = Object.freeze(Object.fromEntries(Object.entries(SAY).map(([w, s]) => [s, w])));

export const OPENERS = ['do you have', 'have you got', 'do you sell', 'how much is', 'how much are', 'show me',
  'i want', 'i would like', 'i am looking for', 'is there', 'can i buy', 'tell me about', 'what about'];
const DETERMINERS = ['a', 'the', 'any', 'some', 'your', 'my old', 'a wireless', 'wireless'];
const KINDS = ['games', 'game', 'consoles', 'console', 'controllers', 'controller', 'headsets', 'headset'];
const OTHERS = ['hello', 'hi', 'thank you', 'thanks', 'yes', 'no', 'how much is it', 'how much are they',
  'can i trade in my old console',
  'can i trade in my old games', 'how does trade in work'];

export function spokenForm(text) {
  return String(text).toLowerCase()
    .replace(/[a-z0-9]+/g, (w) => SAY[w] ?? w)
    .replace(/\d+/g, (d) => (Number(d) <= 10 ? ` ${NUMBERS[Number(d)]} ` : ` ${[...d].map((c) => NUMBERS[c]).join(' ')} `))
    .replace(/[^a-z' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function writtenForm(spoken) {
  let text = ` ${spoken} `;
  for (const [said, written] of Object.entries(WRITE)) text = text.split(` ${said} `).join(` ${written} `);
  return text.trim();
}

// `dictionary`: a Set of the recogniser's words (stt-pocketsphinx.mjs reads it).
// The grammar: [opener] [determiner] item [kind] [please], or a short phrase.
// Items are the beginnings of each product's name without its parenthesis
// ("Xbox Series X 1TB" → "xbox", "xbox series", "xbox series x", …; up to
// the first word the dictionary lacks), and the product's tags.
export function shopGrammar(products, { dictionary, phrases = OPENERS } = {}) {
  const known = (phrase) => phrase !== '' && phrase.split(' ').every((w) => dictionary.has(w));
  const items = new Set();
  for (const p of products) {
    const name = spokenForm(p.name.replace(/\(.*?\)/g, ' ')).split(' ');
    for (let end = 1; end <= name.length && dictionary.has(name[end - 1]); end += 1) items.add(name.slice(0, end).join(' '));
    for (const tag of p.tags ?? []) items.add(spokenForm(tag));
  }
  const alternatives = (list) => [...new Set(list)].filter(known).sort().join(' | ');
  return [
    '#JSGF V1.0;',
    'grammar shop;',
    `<opener> = ${alternatives(phrases)};`,
    `<determiner> = ${alternatives(DETERMINERS)};`,
    `<item> = ${alternatives([...items])};`,
    `<kind> = ${alternatives(KINDS)};`,
    `public <utterance> = [<opener>] [<determiner>] <item> [<kind>] [please] | ${alternatives(OTHERS)};`,
    '',
  ].join('\n');
}
