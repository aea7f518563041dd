// Inputs to the core. The host (the JS shim, a test, the simulator) turns
// everything that happens outside into one of these values and feeds it to
// natter::Client::handle together with the current time. Events carry plain
// data only; ids in them were minted by the core (request ids) and are
// checked, so a late event about an old request is dropped, never acted on.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace natter {

// The shopper pressed Enter in the composer. `text` is the composer's value
// at that moment. Shift+Enter, IME confirmation and key repeat are reported
// as flags, and the core decides what they mean.
struct EnterPressed {
  std::string text;
  bool shift = false;
  bool composing = false;  // KeyboardEvent.isComposing or keyCode 229
  bool repeat = false;     // auto-repeat of a held key
};

// The host page called natter('identify', value). `value_json` is the value
// as JSON text, unchecked ("" when the page gave none): identity.hpp checks it.
struct HostIdentify {
  std::string value_json;
};

// The page context changed (shim/page-context.js): the whole of it as JSON
// object text, "" for none (people/page_context.hpp).
struct PageContextChanged {
  std::string json;
};

// The shopper clicked Send (or activated it by keyboard).
struct SendClicked {
  std::string text;
};

// The host page called natter('send', text).
struct HostSend {
  std::string text;
};

// The shopper tapped a reply chip (SuggestionsShown): sent like a typed
// message, with its own id, but the composer's draft is left alone.
struct SuggestionTapped {
  std::string text;
};

// The shopper confirmed / declined the action card `action_id`
// (ActionProposed); chat/actions.hpp decides what is sent.
struct ActionConfirmed {
  std::string action_id;
};
struct ActionDeclined {
  std::string action_id;
};

// The page's handler for RunAction `action_id` finished: its result
// (message <= 200 UTF-16 units, data an object of <= 2 KiB as JSON text).
// A thrown error is ok:false.
struct ActionRan {
  std::string action_id;
  bool ok = false;
  std::string message;
  std::string data_json;
};

// The host page called natter('starters', list): the shop's first
// questions for this page, as JSON text, unchecked (starters.hpp checks it).
struct HostStarters {
  std::string value_json;
};

// The composer's text changed; only its length matters to the core (it
// clears or updates the over-limit error).
struct ComposerChanged {
  uint32_t chars = 0;
};

// The shopper pressed Retry on a failed message.
struct RetryClicked {
  std::string message_id;
};

// The shopper pressed the Save toggle of a product card (saved_products.hpp).
struct ProductSaveToggled {
  std::string product_id;
};

// The response to an HttpRequest effect arrived (status line and headers).
struct HttpResponded {
  uint32_t request_id = 0;
  int status = 0;
  int64_t retry_after_ms = -1;  // parsed Retry-After, -1 when absent
};

// A piece of the response body (UTF-8 text, any split).
struct HttpBody {
  uint32_t request_id = 0;
  std::string chunk;
};

// The response body ended normally.
struct HttpEnded {
  uint32_t request_id = 0;
};

// The request failed below HTTP (DNS, refused, reset, aborted mid-body).
struct HttpFailed {
  uint32_t request_id = 0;
  std::string reason;
};

// --- The live session (WebSocket); see connection_machine.hpp ---

// The page wants its conversation (boot; in session mode also the widget
// opened, or natter('open')): the live session comes up. Over HTTP, once per
// page, the conversation an earlier page kept is drawn and the message it
// left unanswered sent again (send_machine.hpp). Idempotent.
struct SessionWanted {};
// The host page or the shopper closed the widget's session for good.
struct SessionClosedByHost {};
// "Retry now" (or "Use here" after another tab took over).
struct RetryNowClicked {};

// The socket minted by a WsConnect effect opened / delivered a text frame /
// closed. `was_open` tells a failed upgrade (false) from a dropped socket.
struct WsOpened { uint32_t conn_id = 0; };
struct WsFrame { uint32_t conn_id = 0; std::string text; };
struct WsClosed {
  uint32_t conn_id = 0;
  int code = 1006;
  std::string reason;
  bool was_open = false;
};

// The answer to an HttpProbe effect: the status a plain GET to the socket's
// URL got (0 when it failed below HTTP), and its Retry-After.
struct ProbeAnswered {
  uint32_t conn_id = 0;
  int status = 0;
  int64_t retry_after_ms = -1;
};

// What the browser says: navigator.onLine changes, visibility changes,
// pageshow/pagehide (bfcache) and freeze/resume. `link` is
// navigator.connection.type where the browser tells it ("wifi",
// "cellular", ...; "" where it does not); `link_change`: the event is
// navigator.connection's change, which also fires for mere speed
// estimates, so only a new link type counts as a network change.
struct NetworkChanged {
  bool online = true;
  std::string link;
  bool link_change = false;
};
struct VisibilityChanged { bool visible = true; };

// --- Voice mode (voice_call.hpp) ---

// The shopper pressed the microphone button / End call / Mute or Unmute.
struct VoiceStartClicked {};
struct VoiceEndClicked {};
struct VoiceMuteClicked { bool muted = true; };
// The host page ended the call: natter('voice', 'end').
struct VoiceHostEnd {};
// The answer to MicrophoneRequested: "granted", "denied", "missing" (no
// input device), or later "lost" (the device went away mid-call).
struct MicAnswered { std::string result; };
// The voice activity detector's verdict on the shopper's audio changed.
struct SpeechActivity { bool speaking = false; };
// Agent audio playback ran dry (everything received has been played).
struct PlaybackDrained {};
// The answers to VoiceRuntimeLoad: the voice runtime is there, or its
// download failed (reason: what the browser said, for the log).
struct VoiceRuntimeLoaded {};
struct VoiceRuntimeFailed { std::string reason; };

// --- Voice over WebRTC (voice_ladder.hpp): what the host's peer connection did ---

// The offer of `pc_id`, with every candidate gathered.
struct RtcOfferReady {
  uint32_t pc_id = 0;
  std::string sdp;
};
// The data channel opened; the ICE pair selected: candidate_type of the
// local candidate ("host" | "srflx" | "prflx" | "relay") and, for relay,
// relay_protocol ("udp" | "tcp" | "tls").
struct RtcChannelOpen {
  uint32_t pc_id = 0;
  std::string candidate_type;
  std::string relay_protocol;
};
// The gateway's pong came back on the channel: `text` as received
// ("pong <n> rx=<received>/<expected>"; the core reads it: uplink_meter.hpp),
// with the host's count of the agent frames that arrived on this channel
// (cumulative since it opened; wasm/bindings/frame-count.js): the downlink's loss.
struct RtcPong {
  uint32_t pc_id = 0;
  std::string text;
  uint32_t received = 0;
  uint32_t expected = 0;
};
// The peer connection or its channel failed or closed (reason: what the browser said).
struct RtcFailed {
  uint32_t pc_id = 0;
  std::string reason;
};

// --- The shop's token (token_keeper.hpp) ---

// The answer to TokenRequested: the token endpoint's {"token", "expires_in"}
// (checked by the core too), or why there is none: status is the endpoint's
// HTTP status (0 when it failed below HTTP or its body was unusable).
struct TokenReceived {
  uint32_t request_id = 0;
  std::string token;
  int64_t expires_in_s = 0;
};
struct TokenFailed {
  uint32_t request_id = 0;
  int status = 0;
  std::string reason;
};

// --- Releases (release_watch.hpp) ---

// The answer to ChannelCheck: the channel pointer's {"version", "build"}
// (ok), or none could be read (!ok).
struct ChannelRead {
  bool ok = false;
  std::string version, build;
};

// The shopper asks for a person from the shop (natter('handoff')):
// conversation_control.hpp.
struct HandoffRequested {};
// The shopper submitted the email form shown when nobody was available.
struct HandoffEmailSubmitted {
  std::string email;
};

// Continue on another device (device_link.hpp): the shopper asks for a
// link / closes it / revokes the other device / types a code from it /
// confirms the page's continue link (Continue here; Not now is a dismiss).
struct ContinueOfferClicked {};
struct ContinueOfferDismissed {};
struct RevokeClicked {};
struct ContinueCodeEntered { std::string code; };
struct ContinueConfirmed {};
// The answer to ContinueRedeem: status 200 with the conversation's id, this
// device's own resume token, the log position and the transcript so far
// (in transcript.hpp's form, checked like restored data: the shim maps the
// gateway's [{role, text, cards?}] to it); else the error code
// (`used`, `expired`, `unknown`, `rate_limited`; "" when none came).
struct ContinueRedeemed {
  uint32_t request_id = 0;
  int status = 0;
  std::string code, session_id, resume_token;
  uint64_t last_event_seq = 0;
  std::string transcript_json;
  std::string saved_json;  // the first device's saved products (re-checked like restored ones)
};

// Several conversations (the shop's data-conversations="multiple";
// conversation_list.hpp): the panel's "New conversation" / a list entry.
struct ConversationNewClicked {};
struct ConversationSwitchClicked {
  std::string id;
};

// Time passed; due timers fire. Sent when the deadline the core reported
// is reached (late is fine, early is a no-op).
struct Tick {};

using Event = std::variant<EnterPressed, SendClicked, HostSend, SuggestionTapped, HostStarters, ComposerChanged,
                           ActionConfirmed, ActionDeclined, ActionRan,
                           RetryClicked, HttpResponded, HttpBody, HttpEnded,
                           HttpFailed, Tick, SessionWanted, SessionClosedByHost,
                           RetryNowClicked, WsOpened, WsFrame, WsClosed, ProbeAnswered,
                           NetworkChanged, VisibilityChanged, VoiceStartClicked, VoiceEndClicked,
                           VoiceMuteClicked, VoiceHostEnd, MicAnswered, SpeechActivity, PlaybackDrained,
                           VoiceRuntimeLoaded, VoiceRuntimeFailed,
                           HostIdentify, TokenReceived, TokenFailed, ChannelRead, HandoffRequested,
                           ContinueOfferClicked, ContinueOfferDismissed, RevokeClicked, ContinueCodeEntered, ContinueConfirmed,
                           ContinueRedeemed, HandoffEmailSubmitted, RtcOfferReady,
                           RtcChannelOpen, RtcPong, RtcFailed, ProductSaveToggled,
                           ConversationNewClicked, ConversationSwitchClicked, PageContextChanged>;

}  // namespace natter
