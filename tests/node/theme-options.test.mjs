// theme/options.js: init > data-* > defaults, bad values reported and
// replaced, nothing unsafe reaches CSS; theme/css.js places the widget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions, mergeInit, OPTIONS } from '../../shim/theme/options.js';
import { themeCss } from '../../shim/theme/css.js';

test('defaults when neither init nor data-* say anything', () => {
  const { options, problems, strings } = resolveOptions();
  for (const [name, [, fallback]] of Object.entries(OPTIONS)) assert.equal(options[name], fallback, name);
  assert.deepEqual(problems, []);
  assert.deepEqual(strings, {});
});

test('init wins over data-*, which wins over the defaults', () => {
  const { options } = resolveOptions({
    dataset: { accent: '#111111', radius: '8', position: 'bottom-left', title: 'From the tag' },
    init: { accent: '#222222', title: 'From init', offsetX: 32 },
  });
  assert.equal(options.accent, '#222222');
  assert.equal(options.radius, '8px');
  assert.equal(options.position, 'bottom-left');
  assert.equal(options.title, 'From init');
  assert.equal(options.offsetX, 32);
});

// Unknown keys and bad enums make the whole configuration invalid before
// the theme runs (shim/config-check.js, tests/node/config-check.test.mjs);
// resolveOptions still falls back on its own, so nothing bad reaches CSS
// even if it were called without that check.
test('a bad value is reported and the next source down is kept', () => {
  const { options, problems } = resolveOptions({
    dataset: { accent: '#123456' },
    init: { accent: 'red;} :host{display:none', fontFamily: 'x"; background: url(//evil)', position: 'top', colorScheme: 'sepia' },
  });
  assert.equal(options.accent, '#123456');
  assert.equal(options.fontFamily, '');
  assert.equal(options.position, 'bottom-right');
  assert.equal(options.colorScheme, 'auto');
  assert.equal(problems.length, 4);
  assert.match(problems.join('\n'), /init option accent "red;} :host\{display:none" is not valid; using "#123456"/);
});

test('data-* names are the dashed option names', () => {
  const { problems } = resolveOptions({ dataset: { launcherLabel: 'x'.repeat(80), offsetY: 'far' } });
  assert.deepEqual(problems, ['data-offset-y "far" is not valid; using 20']);
  assert.equal(resolveOptions({ dataset: { launcherLabel: 'x'.repeat(80) } }).options.launcherLabel.length, 40);
});

test('string overrides come from init only and must be strings', () => {
  const { strings, problems } = resolveOptions({ init: { strings: { 'composer.send': 'Go', 'panel.title': 3 } } });
  assert.deepEqual(strings, { 'composer.send': 'Go' });
  assert.deepEqual(problems, ['init option strings.panel.title must be a string']);
});

test('init calls merge in order, later keys winning', () => {
  assert.deepEqual(mergeInit([['init', { a: 1, b: 1 }], ['open'], ['init', { b: 2 }]]), { a: 1, b: 2 });
});

test('the theme sheet puts launcher and panel on the chosen side, inside the safe area', () => {
  const { options } = resolveOptions({ init: { position: 'bottom-left', offsetX: 24, offsetY: 12, fontFamily: 'Georgia, serif' } });
  const { css, side } = themeCss(options);
  assert.equal(side, 'left');
  assert.match(css, /--natter-left:calc\(24px \+ env\(safe-area-inset-left, 0px\)\);--natter-right:auto/);
  assert.match(css, /--natter-bottom:calc\(12px \+ env\(safe-area-inset-bottom, 0px\)\)/);
  assert.match(css, /font-family:var\(--natter-font\)!important/);
  assert.match(css, /@media \(min-width: 481px\)\{:host \.panel\{left:/);
  assert.match(css, /@media \(prefers-color-scheme: dark\)/);
  assert.doesNotMatch(themeCss(resolveOptions({ init: { colorScheme: 'light' } }).options).css, /prefers-color-scheme/);
  assert.match(themeCss(resolveOptions().options).css, /font-family:inherit!important/);
  // The loader's own rule (tests/browser/isolation.test.mjs), for a host an older loader drew.
  assert.match(css, /:host::backdrop\{display:none!important\}/);
});
