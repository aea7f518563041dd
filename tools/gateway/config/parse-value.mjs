// One setting's text -> its value, or a thrown ValueError whose message ends
// the line "NAME: <message>" main.mjs prints. Values arrive as strings (the
// environment); a --config file's numbers, booleans and arrays are turned into
// the same strings first (read-settings.mjs), so both are checked alike.
import net from 'node:net';
import { checkRecordText } from '../record/record-settings.mjs';

export class ValueError extends Error {}

function url(text, setting) {
  let parsed;
  try { parsed = new URL(text); } catch { parsed = null; }
  if (!parsed || !setting.protocols.includes(parsed.protocol) || !parsed.hostname) {
    throw new ValueError(`must be a ${setting.protocols.map((p) => `${p}//`).join(' or ')} URL, not ${describe(text, setting)}`);
  }
  return parsed.href;
}

// An origin as a browser sends it: scheme, host, optional port, nothing else.
function origin(text) {
  let parsed;
  try { parsed = new URL(text); } catch { parsed = null; }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== text.replace(/\/$/, '')) {
    throw new ValueError(`${JSON.stringify(text)} is not an origin (https://shop.example, no path)`);
  }
  return parsed.origin;
}

// An IPv4/IPv6 address, or one with a /prefix.
function cidr(text) {
  const [address, prefix, extra] = text.split('/');
  const family = net.isIP(address);
  const bits = family === 4 ? 32 : 128;
  const okPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
  if (!family || !okPrefix || extra !== undefined) {
    throw new ValueError(`${JSON.stringify(text)} is not an address or CIDR (10.0.0.0/8, 2001:db8::/32, 127.0.0.1)`);
  }
  return prefix === undefined ? address : `${address}/${prefix}`;
}

// host:port pairs, comma-separated (Redis Sentinel's addresses).
function hostPorts(text, setting) {
  return list(text).map((item) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new ValueError(`${describe(item, setting)} is not host:port (10.0.0.5:26379, sentinel-1.internal:26379)`);
    }
    return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  });
}

function list(text) {
  return text.split(',').map((item) => item.trim()).filter(Boolean);
}

// A value as it may be quoted in an error line: never a secret's text.
function describe(text, setting) {
  if (setting.secret || setting.type === 'secret') return `a ${text.length}-character value`;
  if (setting.redactUrl) return 'that value';
  return JSON.stringify(text);
}

function wholeNumber(text, setting, min, max) {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new ValueError(`must be a whole number ${max === Infinity ? `>= ${min}` : `${min}..${max}`}, not ${describe(text, setting)}`);
  }
  return n;
}

const PARSERS = {
  string: (text) => text,
  port: (text, s) => wholeNumber(text, s, 0, 65535),
  int: (text, s) => wholeNumber(text, s, 1, Infinity),
  ms: (text, s) => wholeNumber(text, s, 1, Infinity),
  flag(text, s) {
    if (text !== '1' && text !== '0') throw new ValueError(`must be 1 or 0, not ${describe(text, s)}`);
    return text === '1';
  },
  enum(text, s) {
    if (!s.choices.includes(text)) throw new ValueError(`must be ${s.choices.join(' or ')}, not ${describe(text, s)}`);
    return text;
  },
  secret(text, s) {
    if (text.length < s.min) throw new ValueError(`must be at least ${s.min} characters (it has ${text.length})`);
    return text;
  },
  url,
  hostports: hostPorts,
  record(text) { // NATTER_RECORD (record/record-settings.mjs)
    try { return checkRecordText(text); } catch (error) { throw new ValueError(error.message.replace(/^NATTER_RECORD /, '')); }
  },
  list,
  origins: (text) => list(text).map(origin),
  cidrs: (text) => list(text).map(cidr),
};

// '' is "unset" for every type (an empty env var is how a shell unsets it).
export function parseValue(setting, text) {
  if (text === undefined || text === '') return undefined;
  return PARSERS[setting.type](text, setting);
}
