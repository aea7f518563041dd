// Reads the gateway's settings (settings.mjs) from an optional JSON config
// file (`--config FILE` or NATTER_CONFIG) and the environment, the
// environment winning, and checks each value's type. Never throws for bad
// input: every problem becomes one line in `problems`, so an operator fixes
// them all in one go instead of one per start.
//
// readSettings({argv, env}) -> {
//   values: {NAME: parsed value, defaults left undefined},
//   env: the merged settings as strings (what the agent and speech adapters
//        read: agents/config.mjs, voice/speech/index.mjs),
//   configFile: the file read or null,
//   problems: ['NAME: …', …] }
import { readFileSync } from 'node:fs';
import { SETTINGS, SETTING_NAMES } from './settings.mjs';
import { parseValue, ValueError } from './parse-value.mjs';

// The file's path: `--config FILE` / `--config=FILE`, else NATTER_CONFIG.
function configPath(argv, env, problems) {
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--config') {
      if (!argv[i + 1]) problems.push('--config: name a JSON file (--config /etc/natter.json)');
      return argv[i + 1] || null;
    }
    if (argv[i].startsWith('--config=')) return argv[i].slice('--config='.length) || null;
  }
  return env.NATTER_CONFIG || null;
}

// A file value as the environment would spell it: lists may be arrays.
function asText(name, value, problems) {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  problems.push(`${name} (config file): must be a string, number, boolean or list of strings, not ${Array.isArray(value) ? 'that list' : typeof value}`);
  return undefined;
}

function readFile(file, problems) {
  let data;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`config file ${file}: ${error.code === 'ENOENT' ? 'not found' : `not readable JSON (${error.message.split('\n')[0]})`}`);
    return {};
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    problems.push(`config file ${file}: must be a JSON object of settings ({"NATTER_AGENT": "webhook", …})`);
    return {};
  }
  const text = {};
  for (const [name, value] of Object.entries(data)) {
    if (!SETTING_NAMES.has(name)) {
      problems.push(`${name} (config file): not a setting (docs/deploying.md, "Gateway settings")`);
      continue;
    }
    const t = asText(name, value, problems);
    if (t !== undefined) text[name] = t;
  }
  return text;
}

export function readSettings({ argv = [], env = process.env } = {}) {
  const problems = [];
  const configFile = configPath(argv, env, problems);
  const fromFile = configFile ? readFile(configFile, problems) : {};
  const merged = { ...env };
  for (const [name, text] of Object.entries(fromFile)) {
    if (env[name] === undefined || env[name] === '') merged[name] = text;
  }
  const values = {};
  for (const setting of SETTINGS) {
    try {
      values[setting.name] = parseValue(setting, merged[setting.name]);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      problems.push(`${setting.name}: ${error.message}`);
    }
  }
  return { values, env: merged, configFile, problems };
}

// NATTER_* names in the environment that are no setting: most likely a typo
// (NATTER_REDDIS_URL), worth a warning at start-up.
export function unknownNatterNames(env) {
  return Object.keys(env).filter((name) => name.startsWith('NATTER_') && name !== 'NATTER_CONFIG' && !SETTING_NAMES.has(name)).sort();
}
