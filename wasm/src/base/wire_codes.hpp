#pragma once

// The live session's shared vocabulary (docs/protocol.md): the WebSocket
// close codes and reasons, the `error` frames' codes and the HTTP statuses
// with a meaning in the protocol, that the core and
// the gateway both read or send. The gateway names the same values in
// tools/gateway/session/wire-codes.mjs; tests/node/wire-codes.test.mjs reads
// both files and fails when a name or a value differs, so change them
// together.
//
// One line per constant, `inline constexpr <type> k<Name> = <value>;`: the
// test parses that form.

namespace natter::wire {

// Close codes. 1000-1013 are RFC 6455's; 4000-4999 are the protocol's own.
inline constexpr int kCloseNormal = 1000;               // the client is done with this socket
inline constexpr int kCloseGoingAway = 1001;            // the server shuts down or drains: resume elsewhere
inline constexpr int kCloseInternalError = 1011;        // the server failed this connection
inline constexpr int kCloseServiceRestart = 1012;       // the service restarted (its store was reset): reconnect
inline constexpr int kCloseTryAgainLater = 1013;        // at capacity: back off, not failed
inline constexpr int kCloseReplaced = 4000;             // another connection took this session (reason below)
inline constexpr int kCloseUnsupportedVersion = 4001;   // the hello's protocol version is not served
inline constexpr int kCloseHeartbeatTimeout = 4002;     // the client heard nothing from the server in time
inline constexpr int kCloseUnauthorized = 4003;         // the access token was refused
inline constexpr int kCloseHelloTimeout = 4008;         // no hello (server) or no welcome (client) in time
inline constexpr int kCloseResync = 4009;               // the client reconnects to fetch missing events

// Reasons of a kCloseReplaced close.
inline constexpr const char* kReasonReplaced = "replaced";                // the same tab again
inline constexpr const char* kReasonReplacedTab = "replaced:tab";         // another tab of this device
inline constexpr const char* kReasonReplacedDevice = "replaced:device";   // the other device of a continued chat
inline constexpr const char* kReasonRevoked = "revoked";                  // the first device revoked this one

// `error` frame codes.
inline constexpr const char* kErrorBadFrame = "bad_frame";
inline constexpr const char* kErrorUnsupportedVersion = "unsupported_version";
inline constexpr const char* kErrorRateLimited = "rate_limited";
inline constexpr const char* kErrorBusy = "busy";
inline constexpr const char* kErrorConflict = "conflict";
inline constexpr const char* kErrorHandoffRefused = "handoff_refused";
inline constexpr const char* kErrorContinueRefused = "continue_refused";
inline constexpr const char* kErrorVoiceUnavailable = "voice_unavailable";

// POST /api/chat error codes named on both sides (the rest: docs/protocol.md).
inline constexpr const char* kHttpErrorNotOwner = "not_owner";  // 403: the conversation is bound to another conversation_key

// HTTP statuses the protocol gives a meaning (docs/protocol.md, "Chat over
// HTTP" and "The live session"): what the core does on each answer of a
// chat POST, a token fetch or a failed upgrade's probe, and what the gateway
// answers.
inline constexpr int kHttpBadRequest = 400;            // unreadable: the message fails, says why
inline constexpr int kHttpUnauthorized = 401;          // the token was refused: a fresh one, once
inline constexpr int kHttpForbidden = 403;             // not authorised (an origin the shop did not allow)
inline constexpr int kHttpRequestTimeout = 408;        // the body came too slowly: transient, retried
inline constexpr int kHttpConflict = 409;              // with_staff: a person has the conversation
inline constexpr int kHttpPayloadTooLarge = 413;       // the message is over the limit
inline constexpr int kHttpUnprocessable = 422;         // the key was used with another body
inline constexpr int kHttpUpgradeRequired = 426;       // a proxy dropped the WebSocket upgrade's headers
inline constexpr int kHttpTooManyRequests = 429;       // over a budget: transient, Retry-After honoured
inline constexpr int kHttpFirstServerError = 500;      // 5xx: transient, retried
inline constexpr int kHttpBadGateway = 502;            // a proxy could not reach the gateway
inline constexpr int kHttpServiceUnavailable = 503;    // briefly unavailable (store down, at capacity)
inline constexpr int kHttpGatewayTimeout = 504;        // a proxy gave up waiting for the gateway

}  // namespace natter::wire
