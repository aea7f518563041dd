// What the gateway answers a hello with, beside the session itself
// (session-endpoint.mjs): why an older connection of the session closes,
// who controls the conversation as the welcome says it, and which clients
// this server still serves (docs/protocol.md, "Handshake", "Releases and
// reloads").
import { MIN_PROTOCOL } from './frames.mjs';
import * as wire from './wire-codes.mjs';

// Why the older connection closes (4000): another tab of this device, or
// the other device of a continued chat (`replaced:device`: the first
// device offers "not you? Revoke"), or revoked by the first device.
export function kickReason(attached, tabId) {
  const { prev, line, revoked } = attached;
  if (revoked && prev.line === 'second') return wire.REASON_REVOKED;
  if ((prev.line ?? 'first') !== (line ?? 'first')) return wire.REASON_REPLACED_DEVICE;
  return prev.tabId === tabId ? wire.REASON_REPLACED : wire.REASON_REPLACED_TAB;
}

// A control record as the welcome carries it (docs/protocol.md, "Handoff to a person").
export function welcomeControl(control) {
  const out = { state: control?.state ?? 'ai' };
  if (control?.by?.name) out.by = { name: control.by.name };
  if (out.state === 'waiting' && control.position) out.position = control.position;
  if (out.state === 'waiting' && control.wait_s) out.wait_s = control.wait_s;
  return out;
}

// { minProtocol: integer >= 1, minClient: a release version or "" }, or throws.
export function checkServes({ minProtocol = MIN_PROTOCOL, minClient = '' } = {}) {
  if (!Number.isInteger(minProtocol) || minProtocol < 1) throw new Error(`minProtocol must be an integer >= 1, got ${minProtocol}`);
  if (typeof minClient !== 'string' || (minClient !== '' && !/^[0-9]+(\.[0-9]+)*([-+][0-9A-Za-z.+-]*)?$/.test(minClient))) {
    throw new Error(`minClient must be a release version like 1.4.2 or "", got ${JSON.stringify(minClient)}`);
  }
  return { minProtocol, minClient };
}
