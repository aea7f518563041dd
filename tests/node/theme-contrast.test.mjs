// theme/contrast.js and theme/resolve.js: WCAG maths, every text pair of
// the default theme at AA in both schemes, and a shop's unreadable accent
// corrected with exactly one warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseColor, relativeLuminance, contrastRatio, readableInk, AA } from '../../shim/theme/contrast.js';
import { resolveTheme } from '../../shim/theme/resolve.js';
import { TEXT_PAIRS } from '../../shim/theme/palette.js';
import { resolveOptions } from '../../shim/theme/options.js';
import { applyTheme } from '../../shim/theme/apply.js';

const near = (a, b, eps = 0.01) => assert.ok(Math.abs(a - b) < eps, `${a} is not ~${b}`);

test('parses the colour forms shops use and refuses the rest', () => {
  assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
  assert.deepEqual(parseColor('#2557D6'), [0x25, 0x57, 0xd6]);
  assert.deepEqual(parseColor('rgb(10, 20, 30)'), [10, 20, 30]);
  assert.deepEqual(parseColor('rgb(10 20 30)'), [10, 20, 30]);
  for (const bad of ['red', '#12345', 'rgb(300,0,0)', 'url(x)', '', null]) assert.equal(parseColor(bad), null, bad);
});

test('relative luminance and contrast ratio match the WCAG reference values', () => {
  near(relativeLuminance('#ffffff'), 1);
  near(relativeLuminance('#000000'), 0);
  near(relativeLuminance('#808080'), 0.2159, 0.001);
  near(contrastRatio('#000', '#fff'), 21);
  near(contrastRatio('#fff', '#000'), 21);
  near(contrastRatio('#777777', '#ffffff'), 4.48);
  near(contrastRatio('#ffff00', '#ffffff'), 1.07);
});

test('readableInk keeps a readable colour and otherwise picks black or white, whichever is higher', () => {
  assert.deepEqual(readableInk('#2557d6', '#ffffff'), { ink: '#ffffff', corrected: false });
  assert.deepEqual(readableInk('#ffff00', '#ffffff'), { ink: '#000000', corrected: true });
  assert.deepEqual(readableInk('#1a1a1a', '#333333'), { ink: '#ffffff', corrected: true });
});

function assertPairsReadable(schemes) {
  for (const [name, vars] of Object.entries(schemes)) {
    for (const [fg, bg] of TEXT_PAIRS) {
      const ratio = contrastRatio(vars[fg], vars[bg]);
      assert.ok(ratio >= AA, `${name}: ${fg} ${vars[fg]} on ${bg} ${vars[bg]} is ${ratio.toFixed(2)}:1`);
    }
  }
}

test('every text/background pair of the default theme is AA in light and dark', () => {
  const { options } = resolveOptions();
  const { schemes, warning } = resolveTheme(options);
  assert.deepEqual(Object.keys(schemes), ['light', 'dark']);
  assertPairsReadable(schemes);
  assert.equal(warning, '');
});

test('a yellow accent with white text is corrected to black text, with one warning naming the pair', () => {
  const { options } = resolveOptions({ init: { accent: '#ffff00', accentText: '#ffffff' } });
  const { schemes, warning } = resolveTheme(options);
  for (const vars of Object.values(schemes)) assert.equal(vars['accent-ink'], '#000000');
  assertPairsReadable(schemes);
  assert.match(warning, /accentText #ffffff on accent #ffff00 \(1\.07:1\) -> #000000/);
  assert.equal(warning.split(';').length, 1, 'the same correction in both schemes is reported once');
});

test('a shop text colour unreadable in the dark scheme is replaced there only', () => {
  const { options } = resolveOptions({ init: { text: '#333333' } });
  const { schemes, warning } = resolveTheme(options);
  assert.equal(schemes.light.ink, '#333333');
  assert.equal(schemes.dark.ink, '#eceef2');
  assertPairsReadable(schemes);
  assert.match(warning, /text #333333 on the dark scheme/);
});

test('a pale accent is kept for fills but links fall back to the text colour', () => {
  const { options } = resolveOptions({ init: { accent: '#ffd400', accentText: '#000' } });
  const { schemes, warning } = resolveTheme(options);
  assert.equal(schemes.light.accent, '#ffd400');
  assert.equal(schemes.light.link, schemes.light.ink);
  assert.equal(warning, '');
});

test('a fixed scheme emits only that scheme', () => {
  const { options } = resolveOptions({ init: { colorScheme: 'dark' } });
  assert.deepEqual(Object.keys(resolveTheme(options).schemes), ['dark']);
});

test('applyTheme adopts one sheet last and warns once however often it is updated', () => {
  class Sheet { replaceSync(css) { this.css = css; } }
  const root = { adoptedStyleSheets: ['loader', 'panel'] };
  const warnings = [];
  const console = { warn: (m) => warnings.push(m) };
  const { options } = resolveOptions({ init: { accent: '#ffff00', accentText: '#ffffff' } });
  const theme = applyTheme({ root, options, console, CSSStyleSheetCtor: Sheet });
  theme.update(options);
  theme.update({ ...options, radius: '4px' });
  assert.equal(root.adoptedStyleSheets.length, 3);
  assert.match(root.adoptedStyleSheets[2].css, /--natter-radius:4px/);
  assert.match(root.adoptedStyleSheets[2].css, /--natter-accent-ink:#000000/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^\[natter\] theme colours below WCAG AA/);
});
