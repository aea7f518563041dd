// Where the Redis store (redis-store.mjs and its parts) keeps things: the
// key names and pub/sub channels every part must agree on. The layout of
// each key is described beside the scripts that write it (redis-scripts.mjs,
// redis-continue-scripts.mjs). One hash tag per session, so a session's keys
// share a Cluster slot.

export const KICK_CHANNEL = 'nt:kick';
export const RUN_CHANNEL = 'nt:run';
export const LOG_CHANNEL = 'nt:log';
export const TYPING_CHANNEL = 'nt:typing';
export const EPOCH_KEY = 'nt:epoch';
export const WAITING_KEY = 'nt:waiting';
export const PICKUPS_KEY = 'nt:pickups'; // control/wait-estimate.mjs
export const STAFF_SEEN_KEY = 'nt:staff:seen';

export const sessionKeys = (id) => {
  const tag = `nt:{${id}}`;
  return [`${tag}:s`, `${tag}:log`, `${tag}:acked`, `${tag}:ackorder`, `${tag}:turns`, 'nt:sessions', `${tag}:voice`, `${tag}:voiceorder`];
};
export const staffKeys = (id) => [`nt:{${id}}:staff`, `nt:{${id}}:staffids`];
export const runKeys = (key) => [`nt:run:{${key}}`, `nt:run:{${key}}:ev`, 'nt:runs'];
