// The translator of a chunk that ships its own English (en-<chunk>.js): a
// key the widget's translator has (a catalogue's text, a shop's override,
// or English from en.js) is its; a key only the chunk's English has is
// that English, its {placeholders} filled. Chunks only: the core bundle
// never imports this.
import { fill } from './translate.js';

export function withEnglish(translate, english) {
  const t = (key, vars) => (translate.has?.(key) || !(key in english) ? translate(key, vars) : fill(english[key], vars));
  return Object.assign(t, translate, { has: (key) => translate.has?.(key) || key in english });
}
