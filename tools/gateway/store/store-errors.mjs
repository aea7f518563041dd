// How the layers above the store (the chat endpoint, the live session) tell
// "the store cannot be reached right now" from a bug, whichever store is
// open. Only the Redis store has a backend to lose; the memory store never
// throws these.
import {
  ClientClosedError, ClientOfflineError, ConnectionTimeoutError, SocketClosedUnexpectedlyError,
} from 'redis';

// True for the errors of a store that cannot be reached right now (the
// caller answers "try again later": HTTP 503, close 1013), as opposed to a bug.
export function storeUnavailable(error) {
  return error instanceof ClientOfflineError || error instanceof ClientClosedError
    || error instanceof ConnectionTimeoutError || error instanceof SocketClosedUnexpectedlyError;
}
