// The settings table (settings.mjs) as Markdown, for docs/deploying.md
// ("Gateway settings"), between the markers below. A test
// (config-settings.test.mjs) compares the docs with this, so a setting added
// to the code and not to the docs (or the reverse) fails. To refresh the docs:
//   node tools/gateway/config/settings-table.mjs
import { fileURLToPath } from 'node:url';
import { SETTINGS } from './settings.mjs';

export const TABLE_START = '<!-- settings-table: generated from tools/gateway/config/settings.mjs -->';
export const TABLE_END = '<!-- /settings-table -->';

function valueKind(s) {
  switch (s.type) {
    case 'secret': return `secret, ${s.min}+ characters (never printed)`;
    case 'enum': return s.choices.join(' \\| ');
    case 'url': return `${s.protocols.map((p) => `${p}//`).join(' or ')} URL`;
    case 'flag': return '1 or 0';
    case 'port': return 'port 0..65535';
    case 'int': case 'ms': return `whole number >= 1${s.type === 'ms' ? ' (ms)' : ''}`;
    case 'list': return 'comma-separated list';
    case 'origins': return 'origins, comma-separated';
    case 'cidrs': return 'addresses / CIDRs, comma-separated';
    default: return 'text';
  }
}

const cell = (text) => (text === '' ? '' : `\`${text}\``);

export function renderSettingsTable() {
  const rows = SETTINGS.map((s) => `| \`${s.name}\` | ${valueKind(s)} | ${cell(s.default)} | ${s.doc.replace(/\|/g, '\\|')} |`);
  return [TABLE_START, '| setting | value | default | what it does |', '|---|---|---|---|', ...rows, TABLE_END].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${renderSettingsTable()}\n`);
