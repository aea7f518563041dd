// The shim's events, JSON text in, Event out (decode_event_into, declared
// in codec.hpp): one decoder per type, in a table.
#include "boundary/codec.hpp"
#include "boundary/json_limits.hpp"

#include <algorithm>
#include <iterator>

namespace natter {
namespace {

using nlohmann::json;

// Field readers: a missing optional field keeps the default; a present
// field of the wrong type is an error (never a throw: exceptions are off).
struct Reader {
  const json& j;
  std::string error;

  void str(const char* key, std::string& out, bool required = true) {
    auto it = j.find(key);
    if (it == j.end()) { if (required) fail(key, "missing"); return; }
    if (!it->is_string()) return fail(key, "not a string");
    out = it->get_ref<const std::string&>();
  }
  void boolean(const char* key, bool& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    if (!it->is_boolean()) return fail(key, "not a boolean");
    out = it->get<bool>();
  }
  template <typename Int>
  void integer(const char* key, Int& out, bool required = true) {
    auto it = j.find(key);
    if (it == j.end()) { if (required) fail(key, "missing"); return; }
    if (!it->is_number_integer()) return fail(key, "not an integer");
    out = static_cast<Int>(it->get<int64_t>());
  }
  void fail(const char* key, const char* why) {
    if (error.empty()) error = std::string("field '") + key + "' " + why;
  }
};

// One decoder per event type, reached through kEventDecoders, a table of
// function pointers: in the WASM each stays a function of its own (neither
// LLVM nor binaryen inlines a call through a table), so the core's split
// (tools/bundle/split-core.mjs) leaves the decoders no first chat reaches in
// its second part instead of all of them inlined into one function.
using EventDecoder = void (*)(Reader&, Event&);
struct EventDecoderEntry {
  std::string_view type;
  EventDecoder decode;
};
template <typename T>
void no_fields(Reader&, Event& out) { out = T{}; }
// A nested JSON value kept as its text (the core reads it later).
void json_text(Reader& r, const char* key, std::string& out, bool arrays_only) {
  auto it = r.j.find(key);
  if (it == r.j.end() || (arrays_only && !it->is_array())) return;
  out = it->dump(-1, ' ', false, json::error_handler_t::replace);
}

const EventDecoderEntry kEventDecoders[] = {
  {"tick", no_fields<Tick>},
  {"enter_pressed", [](Reader& r, Event& out) {
     EnterPressed e;
     r.str("text", e.text);
     r.boolean("shift", e.shift);
     r.boolean("composing", e.composing);
     r.boolean("repeat", e.repeat);
     out = std::move(e);
   }},
  {"send_clicked", [](Reader& r, Event& out) { SendClicked e; r.str("text", e.text); out = std::move(e); }},
  {"host_send", [](Reader& r, Event& out) { HostSend e; r.str("text", e.text); out = std::move(e); }},
  {"suggestion_tapped", [](Reader& r, Event& out) { SuggestionTapped e; r.str("text", e.text); out = std::move(e); }},
  {"action_confirmed", [](Reader& r, Event& out) { ActionConfirmed e; r.str("action_id", e.action_id); out = std::move(e); }},
  {"action_declined", [](Reader& r, Event& out) { ActionDeclined e; r.str("action_id", e.action_id); out = std::move(e); }},
  {"action_ran", [](Reader& r, Event& out) {
     ActionRan e;
     r.str("action_id", e.action_id);
     r.boolean("ok", e.ok);
     r.str("message", e.message, false);
     auto data = r.j.find("data");
     if (data != r.j.end() && data->is_object()) e.data_json = data->dump(-1, ' ', false, json::error_handler_t::replace);
     out = std::move(e);
   }},
  {"host_starters", [](Reader& r, Event& out) {
     HostStarters e;
     json_text(r, "starters", e.value_json, false);
     out = std::move(e);
   }},
  {"host_identify", [](Reader& r, Event& out) {
     HostIdentify e;
     json_text(r, "visitor", e.value_json, false);
     out = std::move(e);
   }},
  {"page_context", [](Reader& r, Event& out) { PageContextChanged e; r.str("context", e.json); out = std::move(e); }},
  {"composer_changed", [](Reader& r, Event& out) { ComposerChanged e; r.integer("chars", e.chars); out = std::move(e); }},
  {"retry_clicked", [](Reader& r, Event& out) { RetryClicked e; r.str("message_id", e.message_id); out = std::move(e); }},
  {"conversation_new_clicked", no_fields<ConversationNewClicked>},
  {"conversation_switch_clicked", [](Reader& r, Event& out) {
     ConversationSwitchClicked e; r.str("id", e.id); out = std::move(e);
   }},
  {"product_save_toggled", [](Reader& r, Event& out) {
     ProductSaveToggled e; r.str("product_id", e.product_id); out = std::move(e);
   }},
  {"http_responded", [](Reader& r, Event& out) {
     HttpResponded e;
     r.integer("request_id", e.request_id);
     r.integer("status", e.status);
     r.integer("retry_after_ms", e.retry_after_ms, false);
     out = std::move(e);
   }},
  {"http_body", [](Reader& r, Event& out) {
     HttpBody e; r.integer("request_id", e.request_id); r.str("chunk", e.chunk); out = std::move(e);
   }},
  {"http_ended", [](Reader& r, Event& out) { HttpEnded e; r.integer("request_id", e.request_id); out = std::move(e); }},
  {"http_failed", [](Reader& r, Event& out) {
     HttpFailed e; r.integer("request_id", e.request_id); r.str("reason", e.reason, false); out = std::move(e);
   }},
  {"session_wanted", no_fields<SessionWanted>},
  {"session_closed_by_host", no_fields<SessionClosedByHost>},
  {"retry_now_clicked", no_fields<RetryNowClicked>},
  {"handoff_requested", no_fields<HandoffRequested>},
  {"handoff_email_submitted", [](Reader& r, Event& out) {
     HandoffEmailSubmitted e; r.str("email", e.email); out = std::move(e);
   }},
  {"ws_opened", [](Reader& r, Event& out) { WsOpened e; r.integer("conn_id", e.conn_id); out = std::move(e); }},
  {"ws_frame", [](Reader& r, Event& out) {
     WsFrame e; r.integer("conn_id", e.conn_id); r.str("text", e.text); out = std::move(e);
   }},
  {"ws_closed", [](Reader& r, Event& out) {
     WsClosed e;
     r.integer("conn_id", e.conn_id);
     r.integer("code", e.code, false);
     r.str("reason", e.reason, false);
     r.boolean("was_open", e.was_open);
     out = std::move(e);
   }},
  {"probe_answered", [](Reader& r, Event& out) {
     ProbeAnswered e;
     r.integer("conn_id", e.conn_id);
     r.integer("status", e.status);
     r.integer("retry_after_ms", e.retry_after_ms, false);
     out = std::move(e);
   }},
  {"network_changed", [](Reader& r, Event& out) {
     NetworkChanged e;
     r.boolean("online", e.online);
     r.str("link", e.link, false);
     r.boolean("link_change", e.link_change);
     out = std::move(e);
   }},
  {"visibility_changed", [](Reader& r, Event& out) {
     VisibilityChanged e; r.boolean("visible", e.visible); out = std::move(e);
   }},
  {"voice_start_clicked", no_fields<VoiceStartClicked>},
  {"voice_end_clicked", no_fields<VoiceEndClicked>},
  {"voice_host_end", no_fields<VoiceHostEnd>},
  {"voice_mute_clicked", [](Reader& r, Event& out) { VoiceMuteClicked e; r.boolean("muted", e.muted); out = std::move(e); }},
  {"mic_answered", [](Reader& r, Event& out) { MicAnswered e; r.str("result", e.result); out = std::move(e); }},
  {"speech_activity", [](Reader& r, Event& out) {
     SpeechActivity e; r.boolean("speaking", e.speaking); out = std::move(e);
   }},
  {"playback_drained", no_fields<PlaybackDrained>},
  {"voice_runtime_loaded", no_fields<VoiceRuntimeLoaded>},
  {"voice_runtime_failed", [](Reader& r, Event& out) {
     VoiceRuntimeFailed e; r.str("reason", e.reason, false); out = std::move(e);
   }},
  {"token_received", [](Reader& r, Event& out) {
     TokenReceived e;
     r.integer("request_id", e.request_id);
     r.str("token", e.token);
     r.integer("expires_in_s", e.expires_in_s);
     out = std::move(e);
   }},
  {"token_failed", [](Reader& r, Event& out) {
     TokenFailed e;
     r.integer("request_id", e.request_id);
     r.integer("status", e.status, false);
     r.str("reason", e.reason, false);
     out = std::move(e);
   }},
  {"rtc_offer_ready", [](Reader& r, Event& out) {
     RtcOfferReady e; r.integer("pc_id", e.pc_id); r.str("sdp", e.sdp); out = std::move(e);
   }},
  {"rtc_channel_open", [](Reader& r, Event& out) {
     RtcChannelOpen e;
     r.integer("pc_id", e.pc_id);
     r.str("candidate_type", e.candidate_type, false);
     r.str("relay_protocol", e.relay_protocol, false);
     out = std::move(e);
   }},
  {"rtc_pong", [](Reader& r, Event& out) {
     RtcPong e;
     r.integer("pc_id", e.pc_id);
     r.str("text", e.text, false);
     r.integer("received", e.received, false);
     r.integer("expected", e.expected, false);
     out = std::move(e);
   }},
  {"rtc_failed", [](Reader& r, Event& out) {
     RtcFailed e; r.integer("pc_id", e.pc_id); r.str("reason", e.reason, false); out = std::move(e);
   }},
  {"channel_read", [](Reader& r, Event& out) {
     ChannelRead e;
     r.boolean("ok", e.ok);
     r.str("version", e.version, false);
     r.str("build", e.build, false);
     out = std::move(e);
   }},
  {"continue_offer_clicked", no_fields<ContinueOfferClicked>},
  {"continue_offer_dismissed", no_fields<ContinueOfferDismissed>},
  {"revoke_clicked", no_fields<RevokeClicked>},
  {"continue_confirmed", no_fields<ContinueConfirmed>},
  {"continue_code_entered", [](Reader& r, Event& out) {
     ContinueCodeEntered e; r.str("code", e.code); out = std::move(e);
   }},
  {"continue_redeemed", [](Reader& r, Event& out) {
     ContinueRedeemed e;
     r.integer("request_id", e.request_id);
     r.integer("status", e.status);
     r.str("code", e.code, false);
     r.str("session_id", e.session_id, false);
     r.str("resume_token", e.resume_token, false);
     r.integer("last_event_seq", e.last_event_seq, false);
     json_text(r, "transcript", e.transcript_json, true);
     json_text(r, "saved", e.saved_json, true);
     out = std::move(e);
   }},
};

}  // namespace

std::optional<CodecError> decode_event_into(std::string_view text, Event& out) {
  out = Tick{};
  json j = parse_json(text);
  if (j.is_discarded() || !j.is_object()) return CodecError{"malformed", "an event must be a JSON object"};
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) return CodecError{"malformed", "field 'type' missing"};
  const std::string& type = type_it->get_ref<const std::string&>();
  const auto* kind = std::find_if(std::begin(kEventDecoders), std::end(kEventDecoders),
                                  [&type](const EventDecoderEntry& k) { return k.type == type; });
  if (kind == std::end(kEventDecoders)) return CodecError{"unknown_type", "unknown event type '" + type + "'"};
  Reader r{j, {}};
  kind->decode(r, out);
  if (!r.error.empty()) return CodecError{"wrong_type", type + ": " + r.error};
  return std::nullopt;
}

}  // namespace natter
