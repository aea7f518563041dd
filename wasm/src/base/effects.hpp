// Outputs of the core. After each event the host drains these in order and
// carries each one out; none of them asks the host to decide anything.
#pragma once

#include "chat/conversation_list.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "chat/rich_text.hpp"
#include "chat/suggestions.hpp"

namespace natter {

// Stop the browser's default action for the key event just handled (so a
// sending Enter does not also insert a newline). Only emitted synchronously
// in answer to EnterPressed.
struct ConsumeKey {};

// Empty the composer: its text was accepted as a message.
struct ClearComposer {};

// Show (or, with an empty text, remove) the inline error under the composer.
// The composer keeps its text.
struct ComposerError {
  std::string code;  // stable id, e.g. "too_long"
  std::string text;  // what the shopper reads
};

// Start an HTTP request. The host reports back with HttpResponded, HttpBody,
// HttpEnded or HttpFailed carrying the same request_id.
struct HttpRequest {
  uint32_t request_id = 0;
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Abort a request started earlier; later events about it are ignored anyway.
struct HttpAbort {
  uint32_t request_id = 0;
};

// A shopper's message appears in the list.
struct UserMessageShown {
  std::string message_id;
  std::string text;
};

// Delivery state of a shopper's message: "sending", "sent", "retrying"
// (a transient failure, retried automatically with the same id) or "failed"
// (detail says why; can_retry offers the Retry control). reason is the
// stable code of a failure's detail, so the host can say it in the
// shopper's language: "unreadable" (HTTP 400), "not_authorised" (401/403),
// "too_large" (413), "conflict" (422), "http_error" (reason_arg: the
// status), "agent_failed" (reason_arg: the agent's own message, may be
// empty), "unreachable" (network or timeout; the log has the cause).
struct DeliveryChanged {
  std::string message_id;
  std::string state;
  std::string detail;
  bool can_retry = false;
  std::string reason{};
  std::string reason_arg{};
  // Live session only (presence.hpp): "delivered" (the server acked it) or
  // "read" (a person from the shop opened the conversation after it; `by`
  // names them); "" otherwise, and then not serialized.
  std::string receipt{};
  std::string by{};
};

// The agent's reply to `reply_to` (a shopper message id) as it stands now:
// replace the bubble's content with `content`. Emitted on every streamed
// piece; a replayed reply starts the same bubble over, never a second one.
struct AgentReplyUpdated {
  std::string reply_to;
  RichText content;
  bool done = false;
  std::string author;  // a person from the shop (their display name); "": the assistant
};

// A product card attached to the agent's reply to `reply_to`.
struct ProductCardShown {
  std::string reply_to;
  std::string product_id;
  std::string name;
  std::string price;     // as sent, e.g. "59.99"
  std::string currency;  // ISO 4217, e.g. "GBP"
  std::string url;       // already checked: http(s) only
  std::string image_url; // empty, or http(s)
  // Stamped by the core as the card leaves it (saved_products.hpp): draw a
  // Save toggle (savable; false: the shop turned saving off) and its state.
  // Serialized only when they differ from the default (savable, not saved).
  bool savable = true;
  bool saved = false;
};

// What the agent offers under its reply to `reply_to` (suggestions.hpp,
// already checked): reply chips (a tap is event suggestion_tapped) and
// https link buttons. Shown once per reply; the widget takes them away
// when the shopper next sends a message.
struct SuggestionsShown {
  std::string reply_to;
  std::vector<std::string> replies;
  std::vector<SuggestedLink> links;
};

// The agent proposed an action in its reply to `reply_to` (chat/actions.hpp):
// with confirm, draw its card (item, variant, quantity, price; Confirm is
// event action_confirmed, Not now action_declined); without, show it busy.
struct ActionProposed {
  std::string reply_to;
  std::string action_id;
  std::string name;
  bool confirm = true;
  std::string title, variant;
  int quantity = 0;  // 0: not given
  std::string price, currency, image_url;
};

// Card `action_id` is now `state`: confirming, running, done, failed or
// declined; `message` the shop's result message (done / failed), or "".
struct ActionChanged {
  std::string action_id;
  std::string state;
  std::string message;
};

// Call the page's handler `name` with `args_json` (an object) and
// {actionId, retry}; its result comes back as event action_ran.
struct RunAction {
  std::string action_id;
  std::string name;
  std::string args_json;
  bool retry = false;
};

// The shopper's save of product `product_id` changed: every card of that
// product shows it (the Save toggle's aria-pressed).
struct ProductSavedChanged {
  std::string product_id;
  bool saved = false;
};

// A line for the console, prefixed "[natter] " by the host.
struct Log {
  std::string level;  // "debug" | "info" | "warn" | "error"
  std::string text;
};

// Something a shop's own code can subscribe to with natter('on', name, fn).
// payload is a JSON object.
struct HostEvent {
  std::string name;     // "message" | "error" | "send_blocked" | "product_saved" | "product_unsaved" | …
  std::string payload;  // JSON text
};

// --- The live session ---

// Open a WebSocket to `url`; report its life with WsOpened/WsFrame/WsClosed
// carrying `conn_id`. Events with any other conn_id are stale and dropped.
struct WsConnect {
  uint32_t conn_id = 0;
  std::string url;
};
struct WsSend {
  uint32_t conn_id = 0;
  std::string text;
};
struct WsClose {
  uint32_t conn_id = 0;
  int code = 1000;
  std::string reason;
};
// A plain GET to the socket's URL over http(s), to learn what a proxy
// answered to a failed upgrade. Answer with ProbeAnswered.
struct HttpProbe {
  uint32_t conn_id = 0;
  std::string url;
};

// The status line. state: "idle" | "connecting" | "connected" |
// "reconnecting" | "offline" | "closed" | "failed". retry_in_ms >= 0 when a
// retry is scheduled (the host counts it down). diagnosis names a likely
// proxy problem and its fix, or is empty. code names the exact text
// (one state can have several: "closed" / "closed_elsewhere"), and
// diagnosis_code the diagnosis ("drops_after_open",
// "upgrade_headers_dropped", "proxy_error" with diagnosis_status,
// "service_unavailable"), so the host can translate both.
struct StatusChanged {
  std::string state;
  std::string text;
  int64_t retry_in_ms = -1;
  bool can_retry_now = false;
  std::string diagnosis;
  std::string code;
  std::string diagnosis_code;
  int diagnosis_status = 0;
};

// Keep `value` (JSON text) under `key` in the tab's session storage, so a
// reload or the shop's next page restores it (passed back in the config).
struct Persist {
  std::string key;
  std::string value;
};

// A one-off notice in the message list (e.g. the session started afresh).
// With no text it is a call's notice, said by code only (encoded as
// call_notice): only a call shows it, so its English ships with the session
// UI chunk (shim/i18n/en-call.js) and not in the core's first part, and that
// chunk raises the host's error event for it when `error`.
struct NoticeShown {
  std::string code;
  std::string text;
  std::string arg{};  // the one variable part of `text` (a name, a number) for translations; often ""
  bool error = false;
};

// --- Voice mode (voice_call.hpp) ---

// Download the voice runtime (its own chunk) and answer VoiceRuntimeLoaded or
// VoiceRuntimeFailed (voice_runtime.hpp). The four effects below come only
// once it is loaded.
struct VoiceRuntimeLoad {};
// Ask for the microphone (echo cancellation, noise suppression, auto gain)
// and answer with MicAnswered.
struct MicrophoneRequested {};
// Stop every microphone track now (the recording indicator goes off).
struct MicrophoneReleased {};
// Agent audio: play what arrives on socket `conn_id` (true; binary frames
// of any other socket are stale: drop them), or flush what is queued at
// once and drop what still arrives (false: barge-in, end of call).
struct VoicePlayback {
  bool playing = false;
  uint32_t conn_id = 0;
};
// Send the encoded microphone frames as binary messages on socket
// `conn_id` (open), or send none (closed: muted, session down, call over).
struct VoiceUplink {
  uint32_t conn_id = 0;
  bool open = false;
};
// The agent is audible: the voice activity detector needs louder speech
// before it reports the shopper speaking (vad.hpp, "echo guard").
struct VoiceEchoGuard { bool on = false; };
// The call's state for the UI: "off" | "requesting_mic" | "connecting" |
// "agent_speaking" | "listening" | "user_speaking" | "ending".
struct VoiceStateChanged {
  std::string state;
  bool muted = false;
};

// A voice bubble (a live transcript of the call): what the shopper said
// (role "shopper") or the agent spoke ("agent"), keyed by `id`. Replace the
// bubble's text on every update; final: it will not change again; cut: the
// agent was interrupted (barge-in) and text is what it had said. Cards
// of a spoken answer come as ProductCardShown with reply_to = id.
struct VoiceTranscriptShown {
  std::string id;
  std::string role;
  std::string text;
  bool final = false;
  bool cut = false;
};

// --- Voice over WebRTC (voice_ladder.hpp) ---

// Make peer connection `pc_id` with these ICE servers (JSON array text, as
// the gateway sent them) and its one data channel "voice" (unordered,
// maxRetransmits 0); create the offer, and once ICE gathering is complete
// answer RtcOfferReady. Report an open channel (RtcChannelOpen, with the
// selected pair), a pong (RtcPong) and any failure (RtcFailed).
struct RtcOpen {
  uint32_t pc_id = 0;
  std::string ice_servers_json;
};
// Apply the gateway's SDP answer to `pc_id`.
struct RtcRemoteAnswer {
  uint32_t pc_id = 0;
  std::string sdp;
};
// ICE restart of pc_id (a network change): setConfiguration with these ICE
// servers (fresh TURN credentials), an offer with iceRestart, once gathered
// answer RtcOfferReady (same pc_id); when the answer is applied and ICE is
// connected again, RtcChannelOpen with the newly selected pair. The data
// channel stays; failures are RtcFailed as ever.
struct RtcRestart {
  uint32_t pc_id = 0;
  std::string ice_servers_json;
};
// Send `text` ("ping <n>") as one text message on pc_id's data channel (the
// gateway echoes a pong, with its uplink loss report: uplink_meter.hpp).
struct RtcPing {
  uint32_t pc_id = 0;
  std::string text;
};
// Close peer connection `pc_id`; its late events are stale.
struct RtcClose { uint32_t pc_id = 0; };
// Where the call's frames go now: "rtc" (pc_id's data channel, both ways;
// drop a microphone frame while the channel holds more than
// max_buffered_bytes unsent) or "websocket" (VoiceUplink's socket).
// `rung`: webrtc_direct | turn_udp | turn_tcp | turn_tls | turn | websocket.
struct VoiceRoute {
  std::string via;
  uint32_t pc_id = 0;
  std::string rung;
  uint32_t max_buffered_bytes = 0;
};

// Run the microphone's Opus encoder at this setting from its next frame on
// (encoder_policy.hpp chose it from the loss and round-trip time measured
// on the data channel). Only when the choice changes; back to the starting
// setting (24 kbit/s, FEC, 10 %) when the frames return to the WebSocket.
struct VoiceEncoderSet {
  int bitrate = 24000;
  bool fec = true;
  int loss_perc = 10;
};

// Load the page again (release_watch.hpp): the server does not serve this
// client (reason "unsupported") or the followed channel moved ("channel",
// build: the channel's). Nothing would be lost now: no call, nothing unsent
// or half-answered, an empty composer; the guard record was persisted just
// before. The host reloads the page.
struct ReloadPage {
  std::string build;   // the channel's build ("" for "unsupported")
  std::string reason;  // "unsupported" | "channel"
};

// Read the release channel pointer at `url` (GET, no cookies, revalidated:
// it must not come from a stale cache) and answer with ChannelRead.
struct ChannelCheck {
  std::string url;
};

// Fetch a token from the shop's own endpoint `url` (GET, the shop's cookies
// sent) and answer with TokenReceived or TokenFailed carrying request_id.
// Only with a configured token_url (token_keeper.hpp).
struct TokenRequested {
  uint32_t request_id = 0;
  std::string url;
};

// --- Continue on another device (device_link.hpp) ---

// The offer panel: "asking" (wait), "shown" (draw `secret` as a QR code of
// the page's URL with it in the fragment, show `code` to type; valid
// `expires_in_ms`), "expired" (say so, offer a new one), "hidden".
struct ContinueOfferChanged {
  std::string state;
  std::string secret, code;
  int64_t expires_in_ms = 0;
};
// The first device's banner: the chat continued on another device
// (elsewhere), with a Revoke control (can_revoke); false: take it down.
struct ElsewhereChanged {
  bool elsewhere = false;
  bool can_revoke = false;
};
// POST {"secret"} or {"code"} (whichever is set) as JSON to `url` and
// answer with ContinueRedeemed carrying request_id. The secret never goes
// into a URL.
struct ContinueRedeem {
  uint32_t request_id = 0;
  std::string url, secret, code;
};

// --- A person from the shop (presence.hpp) ---
// Show (or hide) the panel's "Talk to a person" control: shown while the AI
// answers and no request for a person is under way (live session only).
struct HandoffOffer {
  bool shown = false;
};
// The email form offered when nobody from the shop is available. state:
// "shown" (empty form), "invalid" (code "bad_email", text says why; the
// field keeps its text), "sending" (accepted, on its way), "saved" (the
// gateway kept it: thank the shopper, `email` is the address), "hidden".
struct HandoffEmailForm {
  std::string state;
  std::string email;
  std::string code;
  std::string text;
};
// A person from the shop is typing (`name`), or no longer is (typing false:
// they stopped, their message arrived, or the core's expiry ran out).
struct TypingChanged {
  bool typing = false;
  std::string name;
};

// --- Several conversations (conversation_list.hpp; only with
// data-conversations="multiple") ---
// The list to draw: most recent activity first; `current` is the one shown.
struct ConversationsShown {
  std::string current;
  std::vector<ConversationEntry> items;
};
// Open conversation `id` in place of this one: the core persisted the index
// and natter.conversation; the host starts a fresh core for `id` (its own
// natter.session.<id> blob: the ordinary restore and resume path).
struct ConversationOpen {
  std::string id;
};

using Effect = std::variant<ConsumeKey, ClearComposer, ComposerError, HttpRequest,
                            HttpAbort, UserMessageShown, DeliveryChanged,
                            AgentReplyUpdated, ProductCardShown, Log, HostEvent,
                            WsConnect, WsSend, WsClose, HttpProbe, StatusChanged, Persist,
                            NoticeShown, VoiceRuntimeLoad, MicrophoneRequested, MicrophoneReleased, VoicePlayback,
                            VoiceUplink, VoiceEchoGuard, VoiceStateChanged, ReloadPage, TokenRequested,
                            ChannelCheck, VoiceTranscriptShown, ContinueOfferChanged, ElsewhereChanged,
                            ContinueRedeem, HandoffOffer, HandoffEmailForm, TypingChanged, RtcOpen, RtcRestart,
                            RtcRemoteAnswer, RtcPing, RtcClose, VoiceRoute, ProductSavedChanged, VoiceEncoderSet,
                            ConversationsShown, ConversationOpen, SuggestionsShown,
                            ActionProposed, ActionChanged, RunAction>;

}  // namespace natter
