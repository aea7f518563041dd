// The widget's stylesheets are CSS in template literals (`export const
// PANEL_CSS = \`...\``, adopted as constructable sheets: a strict CSP
// forbids <style>). esbuild minifies the JS around them but ships the CSS
// as written, indentation and all. This esbuild plugin minifies each such
// literal with esbuild's own CSS minifier at build time, so the sources
// stay readable and the bundle carries the short form.
//
//   plugins: [minifyCssPlugin()]           every shim/**/*.js with a *_CSS literal
//   await minifyCssModule(source)          the same, for one module's text
// A literal with a ${...} substitution is left as written (none today).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';

const CSS_LITERAL = /(export const \w+_CSS = )`([^`]*)`/g;

// A template literal's value from its source text: the JS escapes applied
// (`\\2606` in the source is the CSS escape `\2606` at run time). The CSS
// minifier must see the value the browser would, not the source text: fed
// the source, it kept `\\2606` as an escaped backslash and the bundle's
// sheet showed "\2606" literally where the source meant "☆".
const TEMPLATE_ESCAPE = /\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\s\S]))/g;
const SIMPLE_ESCAPES = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', 0: '\0' };
export function cookTemplate(raw) {
  return raw.replace(TEMPLATE_ESCAPE, (_, braced, u4, x2, ch) => {
    const hex = braced ?? u4 ?? x2;
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
    if (ch === '\n' || ch === '\r\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029') return ''; // line continuation
    return SIMPLE_ESCAPES[ch] ?? ch;
  });
}

export async function minifyCssModule(source) {
  const parts = [];
  let last = 0;
  for (const m of source.matchAll(CSS_LITERAL)) {
    if (m[2].includes('${')) continue;
    const { code } = await esbuild.transform(cookTemplate(m[2]), { loader: 'css', minify: true, logLevel: 'silent' });
    parts.push(source.slice(last, m.index), m[1], JSON.stringify(code.trim()));
    last = m.index + m[0].length;
  }
  return parts.join('') + source.slice(last);
}

export function minifyCssPlugin() {
  return {
    name: 'natter-minify-css',
    setup(build) {
      build.onLoad({ filter: /[\\/]shim[\\/].*\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!/export const \w+_CSS = `/.test(source)) return undefined; // esbuild loads it as usual
        return { contents: await minifyCssModule(source), loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}
