// The live session's shared vocabulary (docs/protocol.md): the WebSocket
// close codes and reasons, the `error` frames' codes and the HTTP statuses
// with a meaning in the protocol, that the gateway
// and the widget's core both send or read. The core names the same values in
// wasm/src/base/wire_codes.hpp; tests/node/wire-codes.test.mjs fails when a
// name or a value differs, so change them together.

// Close codes. 1000-1013 are RFC 6455's; 4000-4999 are the protocol's own.
export const CLOSE_NORMAL = 1000;               // the client is done with this socket
export const CLOSE_GOING_AWAY = 1001;           // the server shuts down or drains: resume elsewhere
export const CLOSE_INTERNAL_ERROR = 1011;       // the server failed this connection
export const CLOSE_SERVICE_RESTART = 1012;      // the service restarted (its store was reset): reconnect
export const CLOSE_TRY_AGAIN_LATER = 1013;      // at capacity: back off, not failed
export const CLOSE_REPLACED = 4000;             // another connection took this session (reason below)
export const CLOSE_UNSUPPORTED_VERSION = 4001;  // the hello's protocol version is not served
export const CLOSE_HEARTBEAT_TIMEOUT = 4002;    // the client heard nothing from the server in time
export const CLOSE_UNAUTHORIZED = 4003;         // the access token was refused
export const CLOSE_HELLO_TIMEOUT = 4008;        // no hello (server) or no welcome (client) in time
export const CLOSE_RESYNC = 4009;               // the client reconnects to fetch missing events

// Reasons of a CLOSE_REPLACED close.
export const REASON_REPLACED = 'replaced';                // the same tab again
export const REASON_REPLACED_TAB = 'replaced:tab';        // another tab of this device
export const REASON_REPLACED_DEVICE = 'replaced:device';  // the other device of a continued chat
export const REASON_REVOKED = 'revoked';                  // the first device revoked this one

// `error` frame codes.
export const ERROR_BAD_FRAME = 'bad_frame';
export const ERROR_UNSUPPORTED_VERSION = 'unsupported_version';
export const ERROR_RATE_LIMITED = 'rate_limited';
export const ERROR_BUSY = 'busy';
export const ERROR_CONFLICT = 'conflict';
export const ERROR_HANDOFF_REFUSED = 'handoff_refused';
export const ERROR_CONTINUE_REFUSED = 'continue_refused';
export const ERROR_VOICE_UNAVAILABLE = 'voice_unavailable';

// POST /api/chat error codes named on both sides (the rest: docs/protocol.md).
export const HTTP_ERROR_NOT_OWNER = 'not_owner'; // 403: the conversation is bound to another conversation_key

// HTTP statuses the protocol gives a meaning (docs/protocol.md, "Chat over
// HTTP" and "The live session"): what the gateway answers, and what the
// widget's core does on each.
export const HTTP_BAD_REQUEST = 400;            // unreadable: the message fails, says why
export const HTTP_UNAUTHORIZED = 401;           // the token was refused: a fresh one, once
export const HTTP_FORBIDDEN = 403;              // not authorised (an origin the shop did not allow)
export const HTTP_REQUEST_TIMEOUT = 408;        // the body came too slowly: transient, retried
export const HTTP_CONFLICT = 409;               // with_staff: a person has the conversation
export const HTTP_PAYLOAD_TOO_LARGE = 413;      // the message is over the limit
export const HTTP_UNPROCESSABLE = 422;          // the key was used with another body
export const HTTP_UPGRADE_REQUIRED = 426;       // a proxy dropped the WebSocket upgrade's headers
export const HTTP_TOO_MANY_REQUESTS = 429;      // over a budget: transient, Retry-After honoured
export const HTTP_FIRST_SERVER_ERROR = 500;     // 5xx: transient, retried
export const HTTP_BAD_GATEWAY = 502;            // a proxy could not reach the gateway
export const HTTP_SERVICE_UNAVAILABLE = 503;    // briefly unavailable (store down, at capacity)
export const HTTP_GATEWAY_TIMEOUT = 504;        // a proxy gave up waiting for the gateway
