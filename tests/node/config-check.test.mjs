// shim/config-check.js: the whole embedding configuration (natter('init'),
// <natter-widget> attributes, the script's data-*) checked before anything
// starts. Unknown keys, wrong init types, non-http(s) endpoints and bad
// enums / release names are invalid, each problem names its key and source;
// well-typed but unusable look values are left to the theme (a warning).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envDefaults } from '../../shim/config.js';
import { checkConfig, configError, suggest, tagValues, connectionValues, hostAttributes, KEYS } from '../../shim/config-check.js';
import { OPTIONS } from '../../shim/theme/options.js';

const pageUrl = 'https://shop.example/products/1';
const check = (sources) => checkConfig({ pageUrl, ...sources });

test('the documented embeds are valid', () => {
  assert.deepEqual(check({}), []);
  assert.deepEqual(check({ dataset: { endpoint: '' } }), []);
  assert.deepEqual(check({
    dataset: { endpoint: 'https://agent.example', transport: 'session', title: 'Help', accentText: '#fff', version: '1.4.2' },
    attributes: { endpoint: 'https://agent.example/', transport: 'http', accent: '#0a7', 'accent-text': '#000', locale: 'de', 'offset-x': '24', class: 'x', id: 'chat', 'data-v-7ba5bd90': '', _ngcontent: '', 'aria-hidden': 'false', popover: 'manual' },
    init: { accent: '#c0392b', radius: 12, offsetX: 24, offsetY: '12', position: 'bottom-left', colorScheme: 'dark', strings: { 'composer.placeholder': 'Frag Ana…' }, endpoint: '/agent', transport: 'session', channel: 'beta' },
  }), []);
});

test('every theme option is a known key, settable from all three sources', () => {
  for (const name of Object.keys(OPTIONS)) {
    assert.ok(KEYS[name], name);
    assert.deepEqual(check({ dataset: { [name]: 'x' }, attributes: { [name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())]: 'x' } })
      .filter((p) => /unknown/.test(p)), [], name);
  }
});

test('an unknown init option is named, with the nearest known one', () => {
  assert.deepEqual(check({ init: { acent: '#fff' } }), ['unknown init option "acent" (did you mean "accent"?)']);
  assert.deepEqual(check({ init: { accenttext: '#fff' } }), ['unknown init option "accenttext" (did you mean "accentText"?)']);
  assert.deepEqual(check({ init: { shoppingCart: 1 } }), ['unknown init option "shoppingCart"']);
});

test('an unknown data-* or element attribute is named as the shop wrote it, the suggestion in the same spelling', () => {
  assert.deepEqual(check({ dataset: { endpont: '' } }), ['unknown attribute "data-endpont" (did you mean "data-endpoint"?)']);
  assert.deepEqual(check({ dataset: { accentTxt: '#fff' } }), ['unknown attribute "data-accent-txt" (did you mean "data-accent-text"?)']);
  assert.deepEqual(check({ attributes: { accenttext: '#000' } }), ['unknown <natter-widget> attribute "accenttext" (did you mean "accent-text"?)']);
  assert.deepEqual(check({ attributes: { colour: 'red' } }), ['unknown <natter-widget> attribute "colour"']);
});

test('strings is an init option only', () => {
  assert.deepEqual(check({ dataset: { strings: '{}' } }), ["data-strings can only be given to natter('init')"]);
  assert.deepEqual(check({ attributes: { strings: '{}' } }), [`<natter-widget> attribute "strings" can only be given to natter('init')`]);
});

test("page tools' data-* on the script tag and frameworks' attributes on the element are not ours and pass", () => {
  assert.deepEqual(check({ dataset: { cfasync: 'false', cookieconsent: 'ignore', turboTrack: 'reload' } }), []);
  assert.deepEqual(check({ attributes: { 'data-v-12ab': '', '_ngcontent-ng-c1': '', 'aria-label': 'chat', style: 'x', slot: 's' } }), []);
});

test('a wrong init type is invalid, named with what was expected', () => {
  assert.deepEqual(check({ init: { accent: 5 } }), ['init option accent must be a string, got 5']);
  assert.deepEqual(check({ init: { offsetX: true } }), ['init option offsetX must be a number or a string, got boolean']);
  assert.deepEqual(check({ init: { offsetY: Number.NaN } }), ['init option offsetY must be a number or a string, got NaN']);
  assert.deepEqual(check({ init: { title: ['a'] } }), ['init option title must be a string, got array']);
  assert.deepEqual(check({ init: { strings: 'de' } }), ['init option strings must be an object, got string']);
  assert.deepEqual(check({ init: { strings: { 'panel.title': 3 } } }), ['init option strings["panel.title"] must be a string, got number']);
  assert.deepEqual(check({ init: { accent: null, title: undefined } }), [], 'null and undefined mean unset');
});

test('init given a string instead of an object is named as such', () => {
  // The loader merges init objects with for-in: a string arrives as {0: …, 1: …}.
  assert.deepEqual(check({ init: { 0: 'r', 1: 'e', 2: 'd' } }), ["natter('init', options) needs an object of options"]);
});

test('the endpoint must be an http(s) URL (or empty: this page), from any source', () => {
  assert.deepEqual(check({ dataset: { endpoint: 'ftp://x' } }), ['data-endpoint "ftp://x" must be an http(s) URL']);
  assert.deepEqual(check({ attributes: { endpoint: 'javascript:alert(1)' } }), ['<natter-widget endpoint="javascript:alert(1)"> must be an http(s) URL']);
  assert.deepEqual(check({ init: { endpoint: 'http://[::1' } }), ['init option endpoint "http://[::1" must be an http(s) URL']);
  assert.deepEqual(check({ init: { endpoint: 'https://agent.example' }, dataset: { endpoint: '/relative/ok' } }), []);
});

test('enums and release names must be one of their values', () => {
  assert.deepEqual(check({ dataset: { transport: 'ws' } }), ['data-transport "ws" must be one of "http", "session"']);
  assert.deepEqual(check({ attributes: { position: 'top-left' } }), ['<natter-widget position="top-left"> must be one of "bottom-right", "bottom-left"']);
  assert.deepEqual(check({ init: { colorScheme: 'sepia' } }), ['init option colorScheme "sepia" must be one of "auto", "light", "dark"']);
  assert.deepEqual(check({ dataset: { version: '../1.0' } }), ['data-version "../1.0" is not a release name']);
  assert.deepEqual(check({ init: { channel: 'a/b' } }), ['init option channel "a/b" is not a release name']);
});

test('well-typed but unusable look values are left to the theme (warned and replaced there)', () => {
  assert.deepEqual(check({ init: { accent: 'red', radius: 'huge', offsetX: 9000, locale: '!!' }, dataset: { offsetY: 'far' } }), []);
});

test('every problem of every source goes into ONE console line', () => {
  const problems = check({
    init: { acent: '#fff' }, dataset: { endpoint: 'ftp://x' }, attributes: { transport: 'ws' },
  });
  assert.equal(problems.length, 3);
  assert.equal(configError(problems),
    '[natter] configuration: unknown init option "acent" (did you mean "accent"?); data-endpoint "ftp://x" must be an http(s) URL; '
    + '<natter-widget transport="ws"> must be one of "http", "session" — the widget is not shown');
});

test('suggestions only for near misses', () => {
  assert.equal(suggest('agentname'), 'agentName');
  assert.equal(suggest('launcher_label'), 'launcherLabel');
  assert.equal(suggest('colour'), null);
});

test('below init, element attributes win over data-*; endpoint and transport follow the same order', () => {
  const sources = {
    init: { transport: 'session' },
    dataset: { endpoint: 'https://a.example', transport: 'http', accent: '#111111', title: 'Tag' },
    attributes: { endpoint: 'https://b.example', accent: '#0a7', 'accent-text': '#000', class: 'chat' },
  };
  assert.deepEqual(tagValues(sources), {
    endpoint: 'https://b.example', transport: 'http', accent: '#0a7', accentText: '#000', title: 'Tag',
  });
  assert.deepEqual(connectionValues(sources).endpoint, 'https://b.example');
  assert.deepEqual(connectionValues(sources).transport, 'session');
});

test('the build\'s defaults for its environment are the bottom of the precedence', () => {
  const script = 'http://127.0.0.1:8787/natter.js';
  assert.deepEqual(envDefaults('development', script), { endpoint: 'http://127.0.0.1:8787' }, 'the local reference server the widget came from');
  for (const env of ['staging', 'production']) {
    assert.deepEqual(envDefaults(env, script), { endpoint: '' }, `${env}: the page's origin, never a guessed localhost`);
  }
  assert.deepEqual(envDefaults('development', 'not a url'), { endpoint: '' });
  const dev = envDefaults('development', script);
  assert.equal(connectionValues({}, dev).endpoint, 'http://127.0.0.1:8787', 'nothing configured: the default');
  assert.equal(connectionValues({ dataset: { endpoint: '' } }, dev).endpoint, '', 'an explicit empty data-endpoint (the page origin) wins');
  assert.equal(connectionValues({ attributes: { endpoint: 'https://b.example' } }, dev).endpoint, 'https://b.example');
  assert.equal(connectionValues({ init: { endpoint: 'https://c.example' }, dataset: { endpoint: 'https://a.example' } }, dev).endpoint, 'https://c.example');
});

test('hostAttributes reads a host element as {name: value}', () => {
  assert.deepEqual(hostAttributes({ attributes: [{ name: 'accent', value: '#0a7' }] }), { accent: '#0a7' });
  assert.deepEqual(hostAttributes(null), {});
});

test('tokenUrl is a known key from every source: an http(s) URL, relative allowed', () => {
  assert.deepEqual(check({
    dataset: { tokenUrl: '/shop/natter-token' },
    attributes: { 'token-url': 'https://shop.example/natter-token' },
    init: { tokenUrl: 'https://auth.shop.example/token' },
  }), []);
  assert.deepEqual(check({ dataset: { tokenUrl: 'javascript:alert(1)' } }), ['data-token-url "javascript:alert(1)" must be an http(s) URL']);
  assert.deepEqual(check({ attributes: { 'token-url': 'ftp://shop.example/t' } }), ['<natter-widget token-url="ftp://shop.example/t"> must be an http(s) URL']);
  assert.deepEqual(check({ init: { tokenUrl: 42 } }), ['init option tokenUrl must be a string, got 42']);
  assert.deepEqual(check({ init: { tokenURL: '/t' } }), ['unknown init option "tokenURL" (did you mean "tokenUrl"?)']);
  const sources = { init: { tokenUrl: '/from-init' }, dataset: { tokenUrl: '/from-data' }, attributes: { 'token-url': '/from-element' } };
  assert.equal(connectionValues(sources).tokenUrl, '/from-init', 'init wins');
  assert.equal(connectionValues({ ...sources, init: {} }).tokenUrl, '/from-element', 'then the element');
});

test('saveProducts is "on" or "off" from every source, init winning', () => {
  assert.deepEqual(check({ dataset: { saveProducts: 'off' }, attributes: { 'save-products': 'on' }, init: { saveProducts: 'off' } }), []);
  assert.deepEqual(check({ init: { saveProducts: false } }), ['init option saveProducts must be a string, got boolean']);
  assert.deepEqual(check({ dataset: { saveProducts: 'no' } }), ['data-save-products "no" must be one of "on", "off"']);
  const sources = { init: { saveProducts: 'off' }, dataset: { saveProducts: 'on' } };
  assert.equal(connectionValues(sources).saveProducts, 'off', 'init wins');
  assert.equal(connectionValues({ ...sources, init: {} }).saveProducts, 'on');
});

test('conversations is "single" or "multiple" from every source, init winning', () => {
  assert.deepEqual(check({ dataset: { conversations: 'multiple' }, attributes: { conversations: 'single' } }), []);
  assert.deepEqual(check({ dataset: { conversations: 'many' } }), ['data-conversations "many" must be one of "single", "multiple"']);
  assert.deepEqual(check({ init: { conversations: true } }), ['init option conversations must be a string, got boolean']);
  assert.equal(connectionValues({ init: { conversations: 'multiple' }, dataset: { conversations: 'single' } }).conversations, 'multiple');
});
