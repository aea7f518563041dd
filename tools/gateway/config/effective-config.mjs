// The settings a start ended up with, one line each, for the start-up log:
// where each came from (env, config file, default) and never a secret's text
// (a secret shows as "(set, redacted)"; a URL loses its password and its
// query, where a shop's endpoint often takes its key).
import { SETTINGS } from './settings.mjs';

function shown(setting, text) {
  if (setting.type === 'secret') return '(set, redacted)';
  if (setting.type === 'url' || setting.redactUrl) { // a URL may carry user:password or ?key=
    try {
      const url = new URL(text);
      if (url.password) url.password = 'redacted';
      if (url.search) url.search = '?redacted';
      return url.href;
    } catch {
      return setting.type === 'url' ? '(set, redacted)' : text; // not a URL (NATTER_RECORD=off): nothing to hide
    }
  }
  return text;
}

// `env`: the merged settings (read-settings.mjs); `fileText`: what the config
// file said (names only matter); `all`: include defaults, not just what was set.
export function effectiveConfigLines({ env, processEnv, configFile, all }) {
  const lines = [];
  if (configFile) lines.push(`config file: ${configFile}`);
  for (const setting of SETTINGS) {
    const text = env[setting.name];
    if (text !== undefined && text !== '') {
      const source = processEnv[setting.name] ? 'env' : 'config file';
      lines.push(`${setting.name}=${shown(setting, text)} (${source})`);
    } else if (all && setting.default !== '') {
      lines.push(`${setting.name}=${setting.default} (default)`);
    }
  }
  return lines;
}
