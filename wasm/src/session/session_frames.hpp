// Frames of the live session (docs/protocol.md, "The live session"):
// client frames encoded here, server frames decoded from untrusted text
// into checked values. Nothing here keeps state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/agent_protocol.hpp"
#include "people/conversation_control.hpp"
#include "voice/call/voice_ladder.hpp"

namespace natter {

constexpr int kSessionProtocolVersion = 1;
constexpr std::size_t kMaxSessionIdChars = 256;  // the server's bound on ids (tools/gateway/session/frames.mjs)

struct Hello {
  std::string session_id, resume_token, tab_id, build;
  uint64_t last_event_seq = 0;
  std::string visitor_json;  // identity.hpp's json_text(); "" when no visitor (then omitted)
  std::string auth;          // the shop's token (token_keeper.hpp); "" when none (then omitted)
  bool revoke = false;       // the first device voids the second's line (device_link.hpp); omitted when false
  bool rtc = false;          // this browser can carry voice over WebRTC (features gains "rtc")
  std::string conversation_key;  // the conversation's HTTP secret (client.hpp); "" omits it
};
// {"type":"continue.offer"}: ask for a link to continue on another device.
// saved: the saved products ([] or absent: none), handed to the other device
// with the link (saved_products.hpp).
std::string encode_continue_offer(const nlohmann::json& saved = nullptr);
std::string encode_hello(const Hello& h);
// {"type":"identify","visitor":{…} | null}: the visitor changed while live.
std::string encode_identify(const nlohmann::json& visitor);
// `context_json`: the page context the message was accepted with ("": none, no key).
std::string encode_msg(const std::string& message_id, const std::string& text, const std::string& context_json = "");
std::string encode_ping(int64_t t);
// Voice control frames (docs/protocol.md, "Voice control frames").
std::string encode_voice_start(const std::string& call_id, bool greeting);
std::string encode_voice_end(const std::string& call_id);
std::string encode_voice_barge_in(const std::string& call_id);
// {"type":"handoff.email","email_id","email"}: the same id on every re-send (presence.hpp).
std::string encode_handoff_email(const std::string& email_id, const std::string& email);
// Voice over WebRTC (docs/protocol.md, "Voice over WebRTC"; voice_ladder.hpp).
std::string encode_voice_rtc_request(const std::string& call_id);
// `restart`: an ICE restart of pc_id's connection (voice_ladder.hpp), not a new one.
std::string encode_voice_rtc_offer(const std::string& call_id, uint32_t pc_id, const std::string& sdp,
                                   bool restart = false);
std::string encode_voice_rtc_close(const std::string& call_id, uint32_t pc_id);

struct Welcome {
  // session_id: the session this hello got. Another id than the hello's means
  // the hello could not prove its session (no or a stale resume token): the
  // client continues under the new id. resume_token: rotated on every welcome.
  std::string session_id, resume_token;
  bool resumed = false;
  bool replaced = false;
  std::vector<std::string> acked;
  uint64_t event_seq = 0;
  int64_t heartbeat_ms = 15000;
  std::string build;  // the release the server now serves ("" when it does not say): diagnosis only
  // What the server still serves (release_watch.hpp): the oldest protocol
  // (0: not said) and widget release ("": any).
  int min_protocol = 0;
  std::string min_client;
  std::optional<ControlEvent> control;  // who controls the conversation, when the server says
  bool second_device = false;  // `device: "second"`: this tab holds a continued chat's second line
};
// The link the first device asked for (device_link.hpp).
struct ContinueOffered {
  std::string secret, code;
  int64_t expires_in_ms = 0;
};
struct Ack { std::string message_id; };
// A voice call's live transcript (event "voice.transcript", docs/protocol.md):
// the bubble `reply_to` names says what the shopper said or the agent spoke.
struct VoiceTranscript {
  std::string call_id;
  bool agent = false;  // role "agent"; else "shopper"
  std::string text;
  bool final = false;  // false: a partial, replaced by the next one for the bubble
  bool cut = false;    // the agent was cut off (barge-in): text is what was spoken
  std::vector<AgentCard> products;  // checked like card events
};
// A `read` event: a person from the shop (`by`) opened the conversation
// when `through` was the shopper's last message the server had.
struct ReadMark {
  std::string through, by;
};
struct ServerEvent {
  uint64_t seq = 0;
  std::string reply_to;
  AgentEvent event;
  std::optional<VoiceTranscript> voice;  // set for "voice.transcript" (then `event` is unused)
  std::optional<ControlEvent> control;   // set for "control" (then `event` is unused)
  bool held = false;  // "held": the message reply_to is kept for a person, no agent reply will come
  std::optional<ReadMark> read;  // set for "read" (then `event` is unused)
};
// "typing": a person from the shop is typing now. Not an event of the log
// (never replayed); `seq` is the log's last seq when it was sent, so a
// typing signal older than a staff message already shown is dropped.
struct StaffTyping {
  std::string name;
  uint64_t seq = 0;
};
// "handoff.email_saved": the gateway kept the address sent as `email_id`.
struct EmailSaved {
  std::string email_id;
};
struct Pong {};
struct ServerError { std::string code, message, call_id; };  // call_id: a voice call's refusal
struct VoiceStarted {
  std::string call_id;
  bool rtc = false;  // the gateway answers WebRTC for this call (only to a hello with "rtc")
};
// An agent utterance begins (start) or has been fully sent (!start).
struct VoiceAgent {
  std::string call_id;
  bool start = false;
  uint64_t utterance = 0;
  std::string reason;  // on end: "done" | "barge_in" | "closed"
};
struct VoiceClosed { std::string call_id; };
struct UnknownFrame { std::string type; };  // ignored: forward compatibility

using ServerFrame = std::variant<Welcome, Ack, ServerEvent, Pong, ServerError, VoiceStarted, VoiceAgent,
                                 VoiceClosed, ContinueOffered, StaffTyping, EmailSaved, RtcConfigFrame,
                                 RtcAnswerFrame, RtcClosedFrame, UnknownFrame>;

// Decodes one frame into `out`. Never throws; a malformed frame is a
// ProtocolError (codes as in agent_protocol.hpp) and `out` is then unspecified.
std::optional<ProtocolError> decode_server_frame_into(std::string_view text, ServerFrame& out);

}  // namespace natter
